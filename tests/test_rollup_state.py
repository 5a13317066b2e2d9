"""The State Manager (zkvmc.rollup.state) and accounts (zkvmc.rollup.accounts): leaves, the SQLite
file, overlays against the naive tree, commits, refusals, and atomicity under SIGKILL."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvmc.errors import ArtifactError
from zkvmc.field import R, U64
from zkvmc.hash.poseidon import poseidon
from zkvmc.rollup.accounts import EMPTY, Account, account_from_json
from zkvmc.rollup.state import SCHEMA_VERSION, StateManager
from zkvmc.rollup.tree import default_hashes, naive_root, sparse_nodes, verify_proof

REPO = Path(__file__).resolve().parent.parent

ALICE = Account(5, 6, 100, 0)
BOB = Account(7, 8, 2**64 - 1, 3)


def leaves_of(accounts: dict[int, Account]) -> dict[int, int]:
    """Leaf values of an index -> account map."""
    return {idx: acc.leaf() for idx, acc in accounts.items()}


def stored_nodes(sm: StateManager) -> dict[tuple[int, int], int]:
    """The nodes table as a dict."""
    rows = sm.connection.execute("SELECT level, idx, hash FROM nodes").fetchall()
    return {(level, idx): int(h) for level, idx, h in rows}


def check_consistent(sm: StateManager) -> None:
    """Root, roots history, accounts and nodes tables all agree."""
    accounts = dict(sm.accounts())
    assert sm.root() == sm.recompute_root() == sm.history()[-1][1] == sm.root_at(sm.last_batch())
    assert stored_nodes(sm) == sparse_nodes(leaves_of(accounts), sm.depth)


@pytest.fixture
def sm(tmp_path: Path) -> Iterator[StateManager]:
    """A fresh depth-4 state."""
    with StateManager.create(tmp_path / "state.db", 4) as manager:
        yield manager


# ------------------------------------------------------------------ accounts


def test_account_leaf() -> None:
    assert EMPTY.is_empty and EMPTY.leaf() == 0
    assert not ALICE.is_empty
    assert ALICE.leaf() == poseidon([5, 6, 100, 0])
    assert Account(0, 1, 5, 5).leaf() == poseidon([0, 1, 5, 5])  # a key with one zero coordinate is a key


@pytest.mark.parametrize(
    "fields, message",
    [
        ((0, 0, 1, 0), "without a key"),
        ((0, 0, 0, 1), "without a key"),
        ((1, 1, U64, 0), "balance"),
        ((1, 1, 0, U64), "nonce"),
        ((1, 1, -1, 0), "balance"),
        ((R, 1, 0, 0), "ax"),
        ((1, -1, 0, 0), "ay"),
        ((1, 1, True, 0), "balance"),
        ((1, 1, 1.0, 0), "balance"),
    ],
)
def test_invalid_accounts_are_refused(fields: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Account(*fields)


def test_account_json_round_trip() -> None:
    obj = BOB.to_json()
    assert obj == {"ax": "7", "ay": "8", "balance": "18446744073709551615", "nonce": "3"}
    assert account_from_json(obj, "x.json") == BOB
    assert account_from_json(EMPTY.to_json(), "x.json") == EMPTY


@pytest.mark.parametrize(
    "obj, field",
    [
        ({"ax": "1", "ay": "2", "balance": "3"}, "nonce"),
        ({"ax": "1", "ay": "2", "balance": "0x3", "nonce": "0"}, "balance"),
        ({"ax": "1", "ay": "2", "balance": "-3", "nonce": "0"}, "balance"),
        ({"ax": "1", "ay": "2", "balance": "3", "nonce": str(U64)}, "nonce"),
        ({"ax": str(R), "ay": "2", "balance": "3", "nonce": "0"}, "ax"),
        ({"ax": "1", "ay": None, "balance": "3", "nonce": "0"}, "ay"),
        ({"ax": "1", "ay": "2", "balance": "3", "nonce": "0", "owner": "x"}, "owner"),
        ({"ax": "0", "ay": "0", "balance": "3", "nonce": "0"}, ""),
        (["1", "2", "3", "4"], ""),
    ],
)
def test_malformed_account_json_names_the_field(obj: object, field: str) -> None:
    with pytest.raises(ArtifactError) as e:
        account_from_json(obj, "genesis.json: accounts[2]")
    assert e.value.path == "genesis.json: accounts[2]"
    assert e.value.field == field


# ------------------------------------------------------------------ the database file


def test_create_writes_the_genesis_state(sm: StateManager) -> None:
    z = default_hashes(4)
    assert sm.depth == 4
    assert sm.root() == z[4] == sm.recompute_root()
    assert sm.history() == [(0, z[4])]
    assert sm.last_batch() == 0
    assert sm.accounts() == [] and sm.account(15) == EMPTY
    assert stored_nodes(sm) == {}
    proof = sm.proof(9)
    assert proof.leaf == 0 and proof.siblings == z[:4] and verify_proof(proof)


def test_pragmas_and_schema(sm: StateManager) -> None:
    conn = sm.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta == {"format": "zkvmc-rollup-state", "schema_version": str(SCHEMA_VERSION), "depth": "4"}


def test_create_refuses_an_existing_file_and_bad_depths(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    StateManager.create(path, 3).close()
    with pytest.raises(ArtifactError, match="already exists"):
        StateManager.create(path, 3)
    for depth in (0, 33):
        with pytest.raises(ValueError, match="depth"):
            StateManager.create(tmp_path / f"d{depth}.db", depth)
        assert not (tmp_path / f"d{depth}.db").exists()


def test_open_refuses_what_is_not_our_database(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="no such"):
        StateManager.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not SQLite\n" * 100)
    with pytest.raises(ArtifactError, match="not a zkvmc rollup state database"):
        StateManager.open(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(ArtifactError, match="not a zkvmc rollup state database"):
        StateManager.open(other)


def test_open_refuses_another_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    StateManager.create(path, 3).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ArtifactError) as e:
        StateManager.open(path)
    assert e.value.field == "schema_version" and "99" in str(e.value)


def test_indices_are_checked(sm: StateManager) -> None:
    overlay = sm.overlay()
    for bad in (-1, 16, True):
        for read in (sm.account, sm.proof, overlay.account, overlay.proof):
            with pytest.raises(ValueError, match="index"):
                read(bad)
        with pytest.raises(ValueError, match="index"):
            overlay.set(bad, ALICE)
    with pytest.raises(TypeError):
        overlay.set(1, (5, 6, 100, 0))  # type: ignore[arg-type]


# ------------------------------------------------------------------ overlay against the naive tree

accounts_st = st.one_of(
    st.just(EMPTY),
    st.builds(Account, st.integers(1, R - 1), st.integers(0, R - 1), st.integers(0, U64 - 1), st.integers(0, 99)),
)


@settings(max_examples=25, deadline=None)
@given(st.integers(4, 6), st.data())
def test_overlay_matches_the_naive_tree(depth: int, data: st.DataObject) -> None:
    ops = data.draw(st.lists(st.tuples(st.integers(0, (1 << depth) - 1), accounts_st), min_size=1, max_size=7))
    with tempfile.TemporaryDirectory() as folder, StateManager.create(Path(folder) / "s.db", depth) as sm:
        model: dict[int, Account] = {}
        for batch, chunk in enumerate((ops[: len(ops) // 2], ops[len(ops) // 2 :]), start=1):
            overlay = sm.overlay()
            for idx, acc in chunk:
                root = overlay.set(idx, acc)
                model[idx] = acc
                assert root == overlay.root() == naive_root(leaves_of(model), depth)
                assert overlay.account(idx) == acc
                proof = overlay.proof(idx)
                assert proof.leaf == acc.leaf() and proof.root == root and verify_proof(proof)
            untouched = data.draw(st.integers(0, (1 << depth) - 1))
            assert overlay.account(untouched) == model.get(untouched, EMPTY)
            assert verify_proof(overlay.proof(untouched))
            assert sm.commit(overlay, batch) == overlay.root() == sm.root()
            assert sm.accounts() == sorted((i, a) for i, a in model.items() if not a.is_empty)
            check_consistent(sm)


def test_overlay_does_not_touch_the_committed_state(sm: StateManager) -> None:
    genesis = sm.root()
    overlay = sm.overlay()
    overlay.set(3, ALICE)
    assert sm.root() == genesis and sm.account(3) == EMPTY and sm.proof(3).root == genesis
    assert overlay.base_root == genesis and overlay.root() != genesis
    changes = overlay.changes()
    assert changes.base_root == genesis and changes.root == overlay.root()
    assert changes.accounts == {3: ALICE}
    assert set(changes.nodes) == {(0, 3), (1, 1), (2, 0), (3, 0), (4, 0)}


def test_emptying_accounts_restores_the_sparse_tables(sm: StateManager) -> None:
    overlay = sm.overlay()
    overlay.set(3, ALICE)
    overlay.set(12, BOB)
    sm.commit(overlay, 1)
    assert len(sm.accounts()) == 2 and len(stored_nodes(sm)) == 9  # 2 leaves, 2 x 3 internal, shared root
    overlay = sm.overlay()
    overlay.set(3, EMPTY)
    overlay.set(12, EMPTY)
    assert sm.commit(overlay, 2) == default_hashes(4)[4] == sm.root()
    assert sm.accounts() == [] and stored_nodes(sm) == {}
    assert [root for _, root in sm.history()] == [sm.root(), sm.root_at(1), sm.root()]


# ------------------------------------------------------------------ commit


def test_commit_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with StateManager.create(path, 8) as sm:
        overlay = sm.overlay()
        overlay.set(0, ALICE)
        overlay.set(255, BOB)
        root = sm.commit(overlay, 1)
        proofs = [sm.proof(i) for i in (0, 1, 255)]
    with StateManager.open(path) as sm:
        assert sm.depth == 8 and sm.root() == root and sm.last_batch() == 1
        assert sm.accounts() == [(0, ALICE), (255, BOB)]
        assert [sm.proof(i) for i in (0, 1, 255)] == proofs
        check_consistent(sm)


def test_wrong_batch_numbers_are_refused(sm: StateManager) -> None:
    overlay = sm.overlay()
    overlay.set(1, ALICE)
    for batch in (0, 2, -1, True):
        with pytest.raises(ValueError, match="does not follow"):
            sm.commit(overlay, batch)
    assert sm.last_batch() == 0 and sm.accounts() == []
    assert sm.commit(overlay, 1) == sm.root()  # a refused overlay is still good
    with pytest.raises(ValueError, match="committed already"):
        sm.commit(overlay, 2)
    with pytest.raises(ValueError, match="committed already"):
        overlay.set(2, BOB)


def test_stale_overlays_are_refused(sm: StateManager) -> None:
    first, second = sm.overlay(), sm.overlay()
    first.set(1, ALICE)
    second.set(2, BOB)
    sm.commit(first, 1)
    with pytest.raises(ValueError, match="stale overlay"):
        sm.commit(second, 2)
    assert sm.last_batch() == 1 and sm.accounts() == [(1, ALICE)]
    check_consistent(sm)


def test_a_commit_through_another_connection_makes_an_overlay_stale(sm: StateManager) -> None:
    overlay = sm.overlay()
    overlay.set(1, ALICE)
    with StateManager.open(sm.path) as other:
        theirs = other.overlay()
        theirs.set(4, BOB)
        other.commit(theirs, 1)
        with pytest.raises(ValueError, match="another StateManager"):
            sm.commit(theirs, 2)
    with pytest.raises(ValueError, match="stale overlay"):
        sm.commit(overlay, 2)
    assert sm.accounts() == [(4, BOB)]


def test_an_unchanged_overlay_commits_an_empty_batch(sm: StateManager) -> None:
    assert sm.commit(sm.overlay(), 1) == sm.root_at(0) == sm.root_at(1)
    assert sm.last_batch() == 1


def test_extra_writes_in_the_same_transaction(sm: StateManager) -> None:
    sm.connection.execute("CREATE TABLE batches(batch INTEGER PRIMARY KEY, txs INTEGER NOT NULL)")
    overlay = sm.overlay()
    overlay.set(5, ALICE)

    def failing(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO batches VALUES(1, 3)")
        raise RuntimeError("prover pool full")

    with pytest.raises(RuntimeError, match="prover pool full"):
        sm.commit(overlay, 1, failing)
    assert sm.last_batch() == 0 and sm.accounts() == [] and sm.root() == sm.root_at(0)
    assert sm.connection.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 0
    assert not sm.connection.in_transaction

    root = sm.commit(overlay, 1, lambda conn: conn.execute("INSERT INTO batches VALUES(1, 3)"))
    assert sm.history() == [(0, sm.root_at(0)), (1, root)]
    assert sm.connection.execute("SELECT batch, txs FROM batches").fetchall() == [(1, 3)]


def test_roots_history(sm: StateManager) -> None:
    roots = [sm.root()]
    for batch in range(1, 5):
        overlay = sm.overlay()
        overlay.set(batch, Account(batch, batch, batch * 10, 0))
        roots.append(sm.commit(overlay, batch))
    assert sm.history() == list(enumerate(roots))
    assert [sm.root_at(b) for b in range(5)] == roots
    assert len(set(roots)) == 5
    with pytest.raises(ValueError, match="no batch 5"):
        sm.root_at(5)


# ------------------------------------------------------------------ atomicity under SIGKILL

BATCH_SOURCE = '''
def batch_accounts(batch, depth):
    """The deterministic changes of one batch: three accounts, one emptied every fourth batch."""
    from zkvmc.rollup.accounts import EMPTY, Account
    out = []
    for j in range(3):
        idx = (batch * 5 + j * 17) % (1 << depth)
        emptied = batch % 4 == 0 and j == 0
        out.append((idx, EMPTY if emptied else Account(batch, j + 1, batch * 1000 + j, batch % 7)))
    return out
'''

CHILD = BATCH_SOURCE + '''
import sys, time
from zkvmc.rollup.state import StateManager
sm = StateManager.open(sys.argv[1])
batch_accounts(1, 1)[1][1].leaf()  # draw Poseidon(4)'s constants before the clock starts
print("ready", flush=True)
while True:
    batch = sm.last_batch() + 1
    overlay = sm.overlay()
    for idx, acc in batch_accounts(batch, sm.depth):
        overlay.set(idx, acc)
    def extra(conn, batch=batch):
        conn.execute("INSERT INTO batch_log(batch) VALUES(?)", (batch,))
        print("in", batch, flush=True)
        time.sleep(0.05)
    sm.commit(overlay, batch, extra)
    print("done", batch, flush=True)
'''


def expected_accounts(last_batch: int, depth: int) -> list[tuple[int, Account]]:
    """The accounts after replaying batches 1 .. last_batch."""
    scope: dict = {}
    exec(BATCH_SOURCE, scope)
    state: dict[int, Account] = {}
    for batch in range(1, last_batch + 1):
        state.update(scope["batch_accounts"](batch, depth))
    return sorted((idx, acc) for idx, acc in state.items() if not acc.is_empty)


def run_and_kill(path: Path, delay: float, in_extra: bool = False) -> tuple[int, int | None]:
    """Start the committing child and SIGKILL it `delay` s after it is ready (in_extra: as soon
    as it says it is inside a batch's `extra`, 50 ms before its COMMIT: the kill does not
    depend on guessing how fast a busy machine runs the child). Returns the last batch whose commit returned, and the batch it was inside
    `extra` of when killed (or None)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, env=env, text=True)
    seen = ""
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        for line in iter(child.stdout.readline, "") if in_extra else ():
            seen += line
            if line.startswith("in "):
                break
        time.sleep(delay)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
    out = seen + out
    assert child.returncode == -signal.SIGKILL, out
    events = [(word, int(batch)) for word, batch in (line.split() for line in out.splitlines())]
    done = [batch for word, batch in events if word == "done"]
    inside = events[-1][1] if events and events[-1][0] == "in" else None
    return (done[-1] if done else 0), inside


def test_sigkill_never_leaves_a_partial_batch(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    depth = 6
    with StateManager.create(path, depth) as sm:
        sm.connection.execute("CREATE TABLE batch_log(batch INTEGER PRIMARY KEY)")
    rng = random.Random()
    reported = 0
    kills_inside_a_transaction = 0
    for kill in range(8):  # four kills at random moments, then aimed until one landed in a transaction
        if kill >= 4 and kills_inside_a_transaction and reported:
            break
        aimed = kill >= 4 and not kills_inside_a_transaction
        delay = 0.0 if aimed else rng.uniform(0.05, 0.35)
        done, inside = run_and_kill(path, delay, in_extra=aimed)
        reported = max(reported, done)
        with StateManager.open(path) as sm:
            last = sm.last_batch()
            why = f"kill {kill} after {delay:.3f} s: last batch {last}, child reported {reported}, inside {inside}"
            assert last >= reported, why  # a batch commit() returned is durable
            if inside is not None:  # killed in extra's sleep (before COMMIT) or between COMMIT and its print
                kills_inside_a_transaction += 1
                assert last in (inside - 1, inside), why
            assert [b for b, _ in sm.history()] == list(range(last + 1)), why
            logged = [b for (b,) in sm.connection.execute("SELECT batch FROM batch_log ORDER BY batch")]
            assert logged == list(range(1, last + 1)), why  # extra's rows landed with their batches only
            assert sm.accounts() == expected_accounts(last, depth), why
            check_consistent(sm)
    assert reported > 0 and kills_inside_a_transaction > 0
    with StateManager.open(path) as sm:  # no lock or half transaction left behind
        overlay = sm.overlay()
        overlay.set(0, ALICE)
        batch = sm.last_batch() + 1
        sm.commit(overlay, batch, lambda conn: conn.execute("INSERT INTO batch_log VALUES(?)", (batch,)))
        check_consistent(sm)


def test_batches_sequenced_ahead_commit_one_by_one(tmp_path) -> None:
    """One overlay runs ahead of the committed state across two batches; each batch's delta
    commits in order and gives the same roots as committing overlays one at a time."""
    from zkvmc.rollup.accounts import Account
    from zkvmc.rollup.state import StateManager

    with StateManager.create(tmp_path / "a.db", 4) as ahead, StateManager.create(tmp_path / "b.db", 4) as step:
        seq = ahead.overlay()
        m0 = seq.mark()
        seq.set(1, Account(5, 6, 10, 0))
        seq.set(3, Account(7, 8, 1, 0))
        d1 = seq.delta(m0)
        m1 = seq.mark()
        seq.set(1, Account(5, 6, 4, 1))
        seq.set(2, Account(9, 9, 6, 0))
        d2 = seq.delta(m1)
        try:
            ahead.commit_changes(d2, 1)
            raise AssertionError("a delta on a root not committed yet must be refused")
        except ValueError:
            pass
        assert ahead.commit_changes(d1, 1) == d1.root
        assert ahead.commit_changes(d2, 2) == seq.root() == ahead.recompute_root()
        o = step.overlay()
        o.set(1, Account(5, 6, 10, 0))
        o.set(3, Account(7, 8, 1, 0))
        step.commit(o, 1)
        o = step.overlay()
        o.set(1, Account(5, 6, 4, 1))
        o.set(2, Account(9, 9, 6, 0))
        step.commit(o, 2)
        assert step.history() == ahead.history()
        assert step.accounts() == ahead.accounts()
