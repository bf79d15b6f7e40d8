"""Import rate side by side: today's embedded store against what it was built from.

Every variant gets its own fresh store, and all of them are filled in lock
step: each batch of 2,000 records goes to one store after the other (which
store goes first changes from batch to batch), through the same repository
(``store_many``), so they grow together under the same load. Printed: each
variant's rate over every tenth of the records (every 2,000 below 20,000),
and overall.

- ``embedded``: the store as the console runs it (elconsole/data/embedded.py):
  ids in time order, each insert command one SQLite transaction, neosqlite's
  insert without its deep copy and JSON check, no debug text per command;
- ``hashed-ids``: the same server, given the ids of schema 1 (a hash alone),
  which go all over every index;
- ``one-transaction``: hashed ids on a server with only the one-transaction
  change (the embedded store before the insert and id changes);
- ``plain``: hashed ids on nx-27017 as it ships (one transaction per document;
  slow: run only when named in ``--variants``).

    python benchmarks/inserts.py [--records 1000000] [--variants embedded,hashed-ids]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from elconsole.data import repository
from elconsole.data.stores import Store, StoreTarget, open_store
from elconsole.domain.demo import STATIONS, make_record
from elconsole.domain.records import StationRecord, Validator

BATCH = 2000
START = 1_700_000_000.0
DEFAULT = ("embedded", "hashed-ids", "one-transaction")
ONE_TRANSACTION = (
    "import sys; from elconsole.data import embedded; "
    "embedded._insert_batches_in_one_transaction(); "
    "from nx_27017.nx_27017 import main; sys.argv = ['nx-27017', *sys.argv[1:]]; "
    "sys.exit(main())"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--variants", default=",".join(DEFAULT), help="comma-separated")
    args = parser.parse_args()
    names = args.variants.split(",")
    step = max(BATCH, args.records // 10 // BATCH * BATCH)
    spent = {name: 0.0 for name in names}
    print(f"records {'':>10}" + "".join(f"{name:>17}" for name in names), flush=True)
    with contextlib.ExitStack() as stack:
        stores = {}
        for name in names:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            stores[name] = stack.enter_context(OPENERS[name](folder))
            stores[name].ping()
            stores[name].repo.ensure_indexes()
        for first in range(0, args.records, step):
            end = min(args.records, first + step)
            took = _store_in_turn(stores, _batches(first, end))
            for name in names:
                spent[name] += took[name]
            label = f"{first:>9,}-{end:<9,}"
            print(label + "".join(f"{(end - first) / took[n]:17.0f}" for n in names), flush=True)
    print("overall  " + " " * 10 + "".join(f"{args.records / spent[n]:17.0f}" for n in names))
    base = spent[names[0]]
    for name in names[1:]:
        print(f"{names[0]} over {name}: {spent[name] / base:.2f}x")
    return 0


def _store_in_turn(
    stores: dict[str, Store], batches: Iterator[list[StationRecord]]
) -> dict[str, float]:
    """Store every batch in each store, the first store changing from batch to batch."""
    names = list(stores)
    took = dict.fromkeys(names, 0.0)
    for turn, batch in enumerate(batches):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            took[name] += _timed_store(stores[name], batch, name in HASHED)
    return took


def _batches(first: int, end: int) -> Iterator[list[StationRecord]]:
    rng = random.Random(first)
    validator = Validator()
    step = 86400.0 / 9000
    for start in range(first, end, BATCH):
        yield [
            validator.validate(make_record(rng, f"PVI{i:09d}", STATIONS[i % 3], START + i * step))
            for i in range(start, min(end, start + BATCH))
        ]


def _timed_store(store: Store, batch: list[StationRecord], hashed: bool) -> float:
    with _hashed_ids() if hashed else contextlib.nullcontext():
        began = time.perf_counter()
        store.repo.store_many(batch)
        return time.perf_counter() - began


@contextlib.contextmanager
def _hashed_ids() -> Iterator[None]:
    """Give records the ids of schema 1 in this process while the block runs."""
    saved = repository.panel_id, repository._child_id
    repository.panel_id = repository.hashed_panel_id
    repository._child_id = lambda pid, *parts: repository._hex_id(pid, *parts)
    try:
        yield
    finally:
        repository.panel_id, repository._child_id = saved


@contextlib.contextmanager
def _embedded(folder: Path) -> Iterator[Store]:
    with open_store(StoreTarget(path=folder / "embedded.db")) as store:
        yield store


@contextlib.contextmanager
def _server(folder: Path, launch: list[str]) -> Iterator[Store]:
    """Yield a store over an nx-27017 server started by hand on a free port."""
    port = _free_port()
    command = [
        *launch, "--db", str(folder / "server.db"),
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


OPENERS: dict[str, Callable[[Path], contextlib.AbstractContextManager[Store]]] = {
    "embedded": _embedded,
    "hashed-ids": _embedded,
    "one-transaction": lambda folder: _server(folder, [sys.executable, "-c", ONE_TRANSACTION]),
    "plain": lambda folder: _server(folder, [sys.executable, "-m", "nx_27017.nx_27017"]),
}
HASHED = {"hashed-ids", "one-transaction", "plain"}


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
