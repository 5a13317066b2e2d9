"""Groth16 prover: ProvingKey + R1CS + witness + randomness -> Proof.

Takes a proving key, the R1CS it was made for, a full satisfying wire assignment and an rng for
the fresh blinding factors r, s; gives pi = (A, B, C) of Groth 2016 (eprint 2016/260) 3.2:
A = alpha + sum w_i u_i(tau) + r delta, B = beta + sum w_i v_i(tau) + s delta,
C = sum_{private} w_i L_i + h(tau) Z(tau)/delta + s A + r B - r s delta.
The independent pieces (named in `Pieces`: the row polynomials of A, B and C for the quotient
h, A, B in G2, B in G1, the private part of C) go to a backend (zkvmc.backend). With jobs > 1
and a backend whose MSMs release the GIL (mcl), the pieces are pipelined (`_pipelined`): jobs - 1
threads take the MSMs while this thread computes the rows, then h from them as soon as they are
done, then joins the MSM threads, h's MSM last; MSMs over the wires may have started while the
key was read (zkvmc.groth16.early). Otherwise (`_sequenced`) every piece runs first, in forked
workers when jobs > 1, then h (one native truncated product through python-flint,
zkvmc.field.ntt_flint, or the pure-Python coset NTTs: the same h) and its MSM. C is one small MSM
over the results, so the proof does not depend on the backend, the quotient method, the schedule
or jobs. The R1CS may be a zkvmc.r1cs.compact.CompactR1CS (a key's matrices as arrays), whose
row values are computed a matrix at a time.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from zkvmc.backend import Backend, get_backend
from zkvmc.backend.parallel import run_all
from zkvmc.curve.table import ScalarList
from zkvmc.errors import KeyMismatch, Unsatisfied
from zkvmc.field import R, ntt_flint
from zkvmc.groth16.early import MISSING, EarlyMsms
from zkvmc.groth16.keys import Progress, Proof, ProvingKey
from zkvmc.groth16.qap import checked_row_values, coset_evals, domain_size, quotient_from_cosets
from zkvmc.r1cs import compact
from zkvmc.r1cs.compact import CompactR1CS
from zkvmc.r1cs.system import R1CS


def check_shapes(pk: ProvingKey, r1cs: R1CS, witness: list[int]) -> None:
    """The key, the R1CS and the witness must describe the same circuit."""
    if (pk.n_wires, pk.n_public, pk.domain_size) != (r1cs.n_wires, r1cs.n_public, domain_size(r1cs)):
        raise KeyMismatch(f"the proving key was made for another circuit ({pk.n_wires} wires, "
                          f"{pk.n_public} public, domain {pk.domain_size}; this circuit has "
                          f"{r1cs.n_wires}, {r1cs.n_public}, {domain_size(r1cs)})")
    if len(witness) != r1cs.n_wires or witness[0] != 1:
        raise KeyMismatch(f"the witness has {len(witness)} values (wire 0 = {witness[0] if witness else '-'}); "
                          f"the circuit has {r1cs.n_wires} wires and wire 0 must be 1")


@dataclass(frozen=True)
class Pieces:
    """The prover's independent results, by name (so no reordering of tasks can mix them up)."""

    b_g2: Any
    """B = [beta]_2 + sum_i w_i [v_i(tau)]_2 + s [delta]_2."""
    row_a: list[int]
    """A's row polynomial: coefficients (python-flint) or evaluations on the coset g<w> (Python)."""
    row_b: list[int]
    """B's row polynomial, in the same form as row_a."""
    row_c: list[int]
    """C's row polynomial, in the same form as row_a."""
    a_g1: Any
    """A = [alpha]_1 + sum_i w_i [u_i(tau)]_1 + r [delta]_1."""
    b_g1: Any
    """B in G1 (C's r B term): [beta]_1 + sum_i w_i [v_i(tau)]_1 + s [delta]_1."""
    c_private: Any
    """sum over the private wires i of w_i [L_i]_1, the witness part of C."""


STAGES = {"b_g2": "prove: B (G2 MSM)", "row_a": "prove: A rows (NTT)", "row_b": "prove: B rows (NTT)",
          "row_c": "prove: C rows (NTT)", "a_g1": "prove: A (G1 MSM)", "b_g1": "prove: B (G1 MSM)",
          "c_private": "prove: C private part (G1 MSM)"}
"""Progress stage name of each piece, reported as the piece finishes; then QUOTIENT and C_H."""
G2_REST = "b_g2_rest"
"""The second half of B's G2 MSM, a task of its own for forked workers (see _g2_halves)."""
QUOTIENT = "prove: quotient h(X)"
C_H = "prove: C quotient part (G1 MSM)"
TASK_NAMES = (*STAGES.values(), QUOTIENT, C_H)
"""Every progress stage of prove, in the order the pieces are started."""


def _row_poly(values: list[int], be: Backend, native: bool) -> list[int]:
    """A row polynomial in the form the quotient method takes (see Pieces.row_a)."""
    return ntt_flint.intt(values) if native else coset_evals(values, be)


def _quotient(p: Pieces, n: int, be: Backend, native: bool) -> list[int]:
    """h_0 .. h_{n-2}: one native truncated product, or the pure-Python coset method."""
    if native:
        return ntt_flint.quotient_from_coeffs(p.row_a, p.row_b, p.row_c, n)
    return quotient_from_cosets(p.row_a, p.row_b, p.row_c, n, be)


def _query_msm(msm: Callable[..., Any], query: Sequence[Any], scalars: list[int], early: EarlyMsms | None) -> Any:
    """sum_i scalars_i query_i: started early while the key was read (zkvmc.groth16.early), or now
    (a key file's query goes to the backend as read, without copying its points)."""
    got = early.take(query, scalars) if early is not None else MISSING
    return msm(query, scalars) if got is MISSING else got


def _msm(msm: Callable[..., Any], query: Sequence[Any], w: list[int], ends: tuple[Any, Any], k: int,
         early: EarlyMsms | None) -> Any:
    """ends[0] + sum_i w_i query_i + k ends[1]: the query's MSM on its own, then one of three terms."""
    return msm([ends[0], _query_msm(msm, query, w, early), ends[1]], [1, 1, k])


def _g2_halves(pk: ProvingKey, w: list[int], s: int, be: Backend) -> dict[str, Callable[[], Any]]:
    """B in G2 as two tasks over the halves of its query: in pure Python the G2 MSM is the
    longest piece by far (~2.4x a G1 MSM), and one worker carrying it alone finished last."""
    h = len(pk.b_g2_query) // 2
    return {"b_g2": lambda: _msm(be.g2_msm, pk.b_g2_query[:h], w[:h], (pk.beta_g2, pk.delta_g2), s, None),
            G2_REST: lambda: be.g2_msm(pk.b_g2_query[h:], w[h:])}


def _tasks(pk: ProvingKey, rows: tuple[list[int], list[int], list[int]], w: list[int], r: int, s: int,
           be: Backend, native: bool, early: EarlyMsms | None = None, split_g2: bool = False
           ) -> dict[str, Callable[[], Any]]:
    """Piece name -> its work, the longest (G2, in halves with split_g2) first so that two workers
    finish together."""
    ra, rb, rc = rows
    g2 = _g2_halves(pk, w, s, be) if split_g2 else {
        "b_g2": lambda: _msm(be.g2_msm, pk.b_g2_query, w, (pk.beta_g2, pk.delta_g2), s, early)}
    return {
        **g2,
        "row_a": lambda: _row_poly(ra, be, native), "row_b": lambda: _row_poly(rb, be, native),
        "row_c": lambda: _row_poly(rc, be, native),
        "a_g1": lambda: _msm(be.g1_msm, pk.a_query, w, (pk.alpha_g1, pk.delta_g1), r, early),
        "b_g1": lambda: _msm(be.g1_msm, pk.b_g1_query, w, (pk.beta_g1, pk.delta_g1), s, early),
        "c_private": lambda: _query_msm(be.g1_msm, pk.l_query, w[pk.n_public + 1:], early),
    }


def _run(tasks: dict[str, Callable[[], Any]], jobs: int, progress: Progress | None, be: Backend) -> Pieces:
    """Every task (forked workers when jobs > 1), each stage reported when it finishes (B's G2
    MSM once both its halves have)."""
    names = list(tasks)
    report = (lambda i: progress(STAGES[names[i]], 1, 1) if names[i] in STAGES else None) if progress else None
    results = dict(zip(names, run_all(list(tasks.values()), jobs, report)))
    if G2_REST in results:
        results["b_g2"] = be.g2_msm([results["b_g2"], results.pop(G2_REST)], [1, 1])
    return Pieces(**results)


_ROWS = ("row_a", "row_b", "row_c")
"""The pieces the quotient needs (Python work, holding the GIL)."""


def _rows_then_quotient(tasks: dict[str, Callable[[], Any]], n: int, be: Backend, native: bool,
                        done: Callable[[str], None]) -> list[int]:
    """The three row polynomials, then h from them (each row task dropped once run, so that the
    row evaluations it holds are freed before the quotient's peak)."""
    rows: dict[str, Any] = {}
    for name in [k for k in tasks if k in _ROWS]:
        rows[name] = tasks.pop(name)()
        done(STAGES[name])
    h = _quotient(Pieces(b_g2=None, a_g1=None, b_g1=None, c_private=None, **rows), n, be, native)
    done(QUOTIENT)
    return h


def _pipelined(tasks: dict[str, Callable[[], Any]], pk: ProvingKey, be: Backend, native: bool, jobs: int,
               progress: Progress | None) -> dict[str, Any]:
    """The MSM pieces and C's quotient part (under C_H) with a backend whose MSMs release the GIL:
    jobs - 1 threads take the MSMs in order while this thread computes the rows and h, then
    joins them on what is left, h's MSM last. Nothing waits for a piece it does not need."""
    done = (lambda stage: progress(stage, 1, 1)) if progress else (lambda stage: None)
    queue = deque((k, tasks[k]) for k in tasks if k not in _ROWS)
    out: dict[str, Any] = {}
    errors: list[BaseException] = []

    def drain() -> None:
        while not errors:
            try:
                name, fn = queue.popleft()
            except IndexError:
                return
            try:
                out[name] = fn()
            except BaseException as e:  # re-raised in the calling thread below
                errors.append(e)
                return
            done(STAGES.get(name, name))

    threads = [threading.Thread(target=drain, daemon=True) for _ in range(jobs - 1)]
    for t in threads:
        t.start()
    try:
        h = _rows_then_quotient(tasks, pk.domain_size, be, native, done)
        queue.append((C_H, lambda: be.g1_msm(pk.h_query, h, jobs)))
        drain()
    except BaseException:
        queue.clear()
        raise
    finally:
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    return out


def _checked_rows(r1cs: R1CS | CompactR1CS, w: list[int], n: int
                  ) -> tuple[tuple[list[int], list[int], list[int]], int | None]:
    """The rows' values on the witness and the first unsatisfied constraint (None: satisfied)."""
    if isinstance(r1cs, CompactR1CS):
        return compact.checked_row_values(r1cs, w, n)
    return checked_row_values(r1cs, w, n)


def prove(pk: ProvingKey, r1cs: R1CS | CompactR1CS, witness: list[int] | tuple[int, ...], rng: random.Random,
          progress: Progress | None = None, backend: Backend | None = None, jobs: int = 1,
          early: EarlyMsms | None = None) -> Proof:
    """A proof that the witness satisfies r1cs, for the public signals witness[1..n_public]
    (early: query MSMs started while the key was read, zkvmc.groth16.early)."""
    be = backend if backend is not None else get_backend(None)
    w = ScalarList(x % R for x in witness)  # one native copy for the MSMs over all wires
    check_shapes(pk, r1cs, w)
    rows, k = _checked_rows(r1cs, w, pk.domain_size)
    if k is not None:
        raise Unsatisfied(f"the witness does not satisfy constraint {k}")
    r, s = rng.randrange(1, R), rng.randrange(1, R)
    native = ntt_flint.available()  # decided (and python-flint imported) once, before the workers fork
    threads = jobs > 1 and getattr(be, "gil_free_msm", False)
    tasks = _tasks(pk, rows, w, r, s, be, native, early, jobs > 1 and not threads)  # split_g2
    del rows, w  # the tasks hold what they need; each row's values go with its task
    if threads:
        out = _pipelined(tasks, pk, be, native, jobs, progress)
    else:
        out = _sequenced(tasks, pk, be, native, jobs, progress)
    c = be.g1_msm([out["c_private"], out[C_H], out["a_g1"], out["b_g1"], pk.delta_g1], [1, 1, s, r, -r * s])
    return Proof(out["a_g1"], out["b_g2"], c)


def _sequenced(tasks: dict[str, Callable[[], Any]], pk: ProvingKey, be: Backend, native: bool, jobs: int,
               progress: Progress | None) -> dict[str, Any]:
    """_pipelined's result with every piece first (forked workers when jobs > 1), then h and its MSM."""
    p = _run(tasks, jobs, progress, be)
    tasks.clear()
    h = _quotient(p, pk.domain_size, be, native)
    if progress:
        progress(QUOTIENT, 1, 1)
    c_h = be.g1_msm(pk.h_query, h, jobs)
    if progress:
        progress(C_H, 1, 1)
    return {"a_g1": p.a_g1, "b_g1": p.b_g1, "b_g2": p.b_g2, "c_private": p.c_private, C_H: c_h}


def public_signals(r1cs: R1CS, witness: list[int] | tuple[int, ...]) -> list[int]:
    """The public signals (outputs, then public inputs): wires 1..n_public."""
    return [x % R for x in witness[1: r1cs.n_public + 1]]
