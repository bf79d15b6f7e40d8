"""Import rate side by side: the embedded store against a plain nx-27017 server.

The embedded store runs nx-27017 with each insert command in one SQLite
transaction (elconsole/data/embedded.py); the plain server stores every
document in a transaction of its own. Both get the same records through the
same repository, in alternating rounds, each on a fresh file.

    python benchmarks/inserts.py [--records 6000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from elconsole.data.stores import Store, StoreTarget, open_store
from elconsole.domain.demo import STATIONS, make_record
from elconsole.domain.records import StationRecord, Validator

BATCH = 2000
START = 1_700_000_000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    records = _records(args.records)
    rates: dict[str, list[float]] = {"embedded": [], "plain": []}
    for round_no in range(args.rounds):
        for name, opener in (("embedded", _embedded), ("plain", _plain)):
            with tempfile.TemporaryDirectory() as tmp, opener(Path(tmp)) as store:
                rates[name].append(_import_rate(store, records))
            print(f"round {round_no + 1}: {name:<8} {rates[name][-1]:7.0f} records/s", flush=True)
    embedded, plain = (statistics.median(rates[k]) for k in ("embedded", "plain"))
    print(f"\nmedians: embedded {embedded:.0f}, plain nx-27017 {plain:.0f} records/s")
    print(f"embedded over plain: {embedded / plain:.2f}x")
    return 0


def _records(n: int) -> list[StationRecord]:
    rng = random.Random(n)
    validator = Validator()
    step = 86400.0 / 9000
    return [
        validator.validate(make_record(rng, f"PVI{i:09d}", STATIONS[i % 3], START + i * step))
        for i in range(n)
    ]


def _import_rate(store: Store, records: list[StationRecord]) -> float:
    store.ping()
    store.repo.ensure_indexes()
    began = time.perf_counter()
    for first in range(0, len(records), BATCH):
        store.repo.store_many(records[first : first + BATCH])
    return len(records) / (time.perf_counter() - began)


@contextlib.contextmanager
def _embedded(folder: Path) -> Iterator[Store]:
    with open_store(StoreTarget(path=folder / "embedded.db")) as store:
        yield store


@contextlib.contextmanager
def _plain(folder: Path) -> Iterator[Store]:
    """Yield a store over nx-27017 as it ships, started by hand on a free port."""
    port = _free_port()
    command = [
        sys.executable, "-m", "nx_27017.nx_27017", "--db", str(folder / "plain.db"),
        "--host", "127.0.0.1", "--port", str(port),
        "--log-file", str(folder / "nx.log"), "--pid-file", str(folder / "nx.pid"),
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open_store(StoreTarget(uri=f"mongodb://127.0.0.1:{port}/elconsole")) as store:
            _wait_until_up(store)
            yield store
    finally:
        server.terminate()
        server.wait(10)


def _wait_until_up(store: Store) -> None:
    end = time.monotonic() + 20
    while True:
        try:
            store.ping()
            return
        except Exception:  # noqa: BLE001 - not listening yet
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
