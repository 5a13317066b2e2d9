; sort.asm: sort 6 private 64-bit values in memory (bubble sort) and output them in order.
;
;   private input: 6 values, each below 2^64 (`gt` compares as u64 and faults otherwise)
;   outputs:       the same 6 values in ascending order
;
; The array lives in memory cells BASE .. BASE+5 and every access goes through a register
; (load/store [r1], [r1 + 1]), so the addresses are computed at run time by the VM. A swap is
; a run-time branch (`jnz r4, ordered`), which the compiler merges by predication; the values
; keep their u64 range facts through the merge, so each comparison costs 66 constraints. (The
; branch-free swap a + s*(b - a) loses those facts and costs about twice as much.) All loops
; have trip counts fixed by N, so only the swaps depend on the data.

.private 6
.outputs 6
.const N 6
.const PASSES 5                 ; N - 1
.const BASE 100                 ; where the array lives

        ; ---- copy the private tape into memory
        mov r1, BASE            ; r1 = address of the next cell
        mov r5, N               ; r5 = values left to read
fill:
        secret r2
        store [r1], r2
        add r1, r1, 1
        sub r5, r5, 1
        jnz r5, fill

        ; ---- bubble sort: pass k (k = PASSES .. 1) compares the first k adjacent pairs
        mov r5, PASSES          ; r5 = k = pairs to compare in this pass
pass:
        mov r1, BASE            ; r1 = address of the left element of the pair
        mov r6, r5              ; r6 = pairs left in this pass
pair:
        load r2, [r1]           ; a
        load r3, [r1 + 1]       ; b
        le r4, r2, r3           ; 1 when the pair is already in order
        jnz r4, ordered         ; a run-time branch: the compiler predicates both paths
        store [r1], r3          ; swap
        store [r1 + 1], r2
ordered:
        add r1, r1, 1
        sub r6, r6, 1
        jnz r6, pair
        sub r5, r5, 1
        jnz r5, pass

        ; ---- write the sorted array
        mov r1, BASE
        mov r5, N
emit:
        load r2, [r1]
        write r2
        add r1, r1, 1
        sub r5, r5, 1
        jnz r5, emit
        halt
