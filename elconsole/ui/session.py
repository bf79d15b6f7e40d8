"""What every tab shares: the store once it is open, the plant clock, the defect types."""

from __future__ import annotations

from pathlib import Path

from elconsole.data.errors import StoreUnavailable
from elconsole.data.repository import PanelRepository
from elconsole.data.stores import Store, StoreTarget
from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import Validator


class Session:
    """The console's working context, passed to each tab's constructor."""

    def __init__(
        self,
        target: StoreTarget,
        clock: PlantClock,
        catalog: DefectCatalog | None = None,
    ) -> None:
        self.target = target
        self.clock = clock
        self.catalog = catalog or DefectCatalog()
        self.validator = Validator(self.catalog)
        self.store: Store | None = None
        self.operator: str | None = None  # who signed in at this station
        self.station_id: str | None = None  # this station's EL_no, when set
        self.inbox_dir: Path | None = None  # where the AI box drops its results

    @property
    def repo(self) -> PanelRepository:
        """Return the open store's repository; raises StoreUnavailable before it opens."""
        if self.store is None:
            raise StoreUnavailable("the store is not open yet")
        return self.store.repo
