"""What every tab shares: the store once it is open, the plant clock, the defect types."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from elconsole.data.errors import StoreUnavailable
from elconsole.data.repository import PanelRepository
from elconsole.data.stores import Store, StoreTarget
from elconsole.domain.defect_types import DEFAULT_DEFECT_TYPES, DefectCatalog, DefectType
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import Validator
from elconsole.settings import Overrides, Settings, effective_zone

# The default types' labels, for lupdate: a line's own labels are shown as typed.
DEFAULT_LABELS = (
    QT_TRANSLATE_NOOP("DefectType", "Crack"),
    QT_TRANSLATE_NOOP("DefectType", "Cold solder joint"),
    QT_TRANSLATE_NOOP("DefectType", "Dark / failed cell"),
    QT_TRANSLATE_NOOP("DefectType", "Mixed-grade cell"),
)


def translated_catalog(types: tuple[DefectType, ...]) -> DefectCatalog:
    """Return a catalog whose labels are in the interface language where translated."""
    return DefectCatalog(
        tuple(
            DefectType(t.code, QCoreApplication.translate("DefectType", t.label), t.colour)
            for t in types
        )
    )


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
        self.catalog = catalog or translated_catalog(DEFAULT_DEFECT_TYPES)
        self.validator = Validator(self.catalog)
        self.store: Store | None = None
        self.operator: str | None = None  # who signed in at this station
        self.station_id: str | None = None  # this station's EL_no, when set
        self.inbox_dir: Path | None = None  # where the AI box drops its results
        self.scanner_prefix = ""  # what the barcode scanner sends before a barcode
        self.scanner_suffix = ""  # ... and after it (besides Enter)
        self.spool_dir: Path | None = None  # unsent judgments; None: the user data folder
        self.scan_debounce_s = 3.0  # the same barcode again within this is one scan
        self.inbox_settle_s = 1.0  # an inbox file younger than this may be half written
        self.settings = Settings()  # as saved; the fields above follow it
        self.overrides = Overrides()  # --store / --tz / ELCONSOLE_STORE for this run

    def apply_settings(self, settings: Settings) -> None:
        """Take the saved settings' station, scanner, shifts and defect types.

        The store and zone named by the overrides stay; the caller reopens the store.
        """
        self.settings = settings
        self.station_id = settings.station_id or None
        self.inbox_dir = Path(settings.inbox_dir).expanduser() if settings.inbox_dir else None
        self.scanner_prefix = settings.scanner_prefix
        self.scanner_suffix = settings.scanner_suffix
        tz = zone(effective_zone(settings, self.overrides))
        self.clock = PlantClock(tz, settings.shifts)
        self.catalog = translated_catalog(settings.defect_types)
        self.validator = Validator(self.catalog)

    @property
    def repo(self) -> PanelRepository:
        """Return the open store's repository; raises StoreUnavailable before it opens."""
        if self.store is None:
            raise StoreUnavailable("the store is not open yet")
        return self.store.repo
