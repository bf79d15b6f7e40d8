"""The Statistics tab's exports: file dialogs and what goes into CSV, Excel and PDF."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.stats import Report
from elconsole.export.csvfile import write_csv
from elconsole.export.pdf import write_report_pdf
from elconsole.export.tables import About, Table, exported_at, report_tables
from elconsole.export.xlsx import write_xlsx
from elconsole.ui.stats.models import KEY_FIGURES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """What the tab shows at the moment of an export."""

    report: Report
    clock: PlantClock
    catalog: DefectCatalog
    by: str
    period_keys: Sequence[str]
    stations: Sequence[str] | None
    layouts: Sequence[str] | None
    window_text: str

    def about(self) -> About:
        return About.of(self.report, self.clock, self.stations, self.layouts)

    def tables(self) -> list[Table]:
        shift_names = [shift.name for shift in self.clock.shifts]
        return report_tables(
            self.report, self.catalog, self.by, self.period_keys, shift_names=shift_names
        )


def ask_path(parent: QWidget, title: str, suggested: str, kinds: str) -> Path | None:
    """Ask where to save; return None when the user cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, kinds)
    return Path(name) if name else None


def write_csv_files(path: Path, snapshot: Snapshot) -> list[Path]:
    return write_csv(path, snapshot.tables(), snapshot.about())


def write_workbook(path: Path, snapshot: Snapshot) -> list[Path]:
    return [write_xlsx(path, snapshot.tables(), snapshot.about())]


def write_pdf(path: Path, snapshot: Snapshot, views: object) -> list[Path]:
    """Write the one-page report: key figures beside the charts the tab shows."""
    report = snapshot.report
    title = QCoreApplication.translate("StatsExport", "EL statistics {0}").format(
        snapshot.window_text
    )
    header = snapshot.about().lines()
    header.append(
        QCoreApplication.translate("StatsExport", "Exported {0}").format(
            exported_at(snapshot.clock)
        )
    )
    figures = [(f.label, f.text(report.total)) for f in KEY_FIGURES]
    notes = [
        QCoreApplication.translate(
            "StatsExport", "Rates show numerator / denominator; “no data” means a denominator of 0."
        ),
        QCoreApplication.translate("StatsExport", "p-chart limits: p̄ ± 3·√(p̄(1−p̄)/n), per period."),
    ]
    images = views.images()  # type: ignore[attr-defined]
    return [write_report_pdf(path, title, header, figures, images, notes)]
