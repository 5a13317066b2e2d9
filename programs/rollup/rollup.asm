; rollup.asm: the zk-rollup's state-transition function, one batch of BATCH transaction slots.
;
; State: a sparse binary Poseidon Merkle tree of DEPTH levels (docs/rollup.md, "State"). The leaf
; of account i is Poseidon(Ax, Ay, balance, nonce) (4 inputs), or 0 for the empty account
; (Ax = Ay = 0, balance = nonce = 0); node = Poseidon(left, right).
;
; Public inputs:  oldRoot, batchNumber (bound into the proof so a proof of batch n is no proof of
;                 batch n + 1, even when the root does not move).
; Outputs:        newRoot, then for each slot s: s0, s1, s2 where
;                 s0 = kind + 2^2 from + 2^34 to + 2^66 amount   (the slot's packed header)
;                 s1, s2 = deposit: the new key's Ax, Ay · withdrawal: the L1 address, 0 · else 0, 0
; Public signals (outputs first): [newRoot, s0_1, s1_1, s2_1, ..., oldRoot, batchNumber].
;
; Transaction kinds: 0 no-op (every field 0) · 1 deposit (from L1: credits `to`, creating it with
; key (d1, d2) when empty; from = nonce = 0) · 2 transfer (signed: `from` pays `amount` to the
; existing account `to`; d1 = d2 = 0) · 3 withdrawal (signed: `from` pays `amount` to the L1
; address d1 < 2^160; to = d2 = 0).
; Signed message: M = Poseidon(CHAIN_ID, kind, from, to, amount, nonce, d1), EdDSA-Poseidon by
; the paying account's key, nonce equal to the account's nonce, which then grows by one.
;
; Private tape, per slot:
;   kind, from, to, amount, nonce, d1, d2, S, R8x, R8y        the transaction and its signature
;   Ax, Ay, balance, nonce, DEPTH x (sibling, bit)            the `from` account and its path
;   Ax, Ay, balance, nonce, DEPTH x (sibling, bit)            the `to` account and its path,
;                                                             after the `from` update
; Every slot updates `from` (a no-op update unless it pays) then `to` (a no-op update unless it
; is credited), so every slot costs the same whatever its kind: the circuit has one shape.
; Configure with -D: zkvmc compile programs/rollup/rollup.asm -D DEPTH=16 -D BATCH=4.

.const DEPTH 4
.const BATCH 2
.const CHAIN_ID 1                 ; the rollup's identifier, signed in every transaction

; memory cells (constant addresses cost nothing in the circuit)
.const ROOT 0
.const KIND 1
.const FROM 2
.const TO 3
.const AMOUNT 4
.const NONCE 5
.const D1 6
.const D2 7
.const SIG_S 8
.const SIG_RX 9
.const SIG_RY 10
.const DEBITS 11                  ; 1 for a transfer or a withdrawal
.const CREDITS 12                 ; 1 for a deposit or a transfer
.const DEPOSIT 13
.const WITHDRAW 14
.const INDEX 15                   ; the index `update` checks the path against
.const OUT 64                     ; s0, s1, s2 of slot s at OUT + 3s

        read r0
        store [ROOT], r0          ; oldRoot
        read r0                   ; batchNumber
        range r0, 64              ; a u64, and so bound by a constraint
        mov r15, 0                ; slot number (a compile-time constant in every unrolled copy)

slot:   call read_tx
        call check_kind
        call pay
        call credit
        call record
        add r15, r15, 1
        lt r0, r15, BATCH
        jnz r0, slot

        load r0, [ROOT]
        write r0                  ; newRoot
        mov r15, 0
out:    mul r1, r15, 3
        add r1, r1, OUT
        load r0, [r1]
        write r0
        load r0, [r1 + 1]
        write r0
        load r0, [r1 + 2]
        write r0
        add r15, r15, 1
        lt r0, r15, BATCH
        jnz r0, out
        halt

; ---- read_tx: the transaction fields into memory; kind < 4, amount < 2^64
read_tx:
        secret r0
        store [KIND], r0
        range r0, 2
        secret r0
        store [FROM], r0
        secret r0
        store [TO], r0
        secret r0
        store [AMOUNT], r0
        range r0, 64
        secret r0
        store [NONCE], r0
        secret r0
        store [D1], r0
        secret r0
        store [D2], r0
        secret r0
        store [SIG_S], r0
        secret r0
        store [SIG_RX], r0
        secret r0
        store [SIG_RY], r0
        ret

; ---- check_kind: the kind flags, and the fields a kind does not use must be 0
check_kind:
        load r0, [KIND]
        eq r1, r0, 1
        store [DEPOSIT], r1
        eq r2, r0, 2
        eq r3, r0, 3
        store [WITHDRAW], r3
        add r4, r2, r3
        store [DEBITS], r4
        add r4, r1, r2
        store [CREDITS], r4
        load r5, [FROM]
        load r6, [TO]
        load r7, [AMOUNT]
        load r8, [NONCE]
        load r9, [D1]
        load r10, [D2]
        jnz r0, ck_some
        assert_eq r5, 0           ; a no-op carries nothing
        assert_eq r6, 0
        assert_eq r7, 0
        assert_eq r8, 0
        assert_eq r9, 0
        assert_eq r10, 0
        ret
ck_some:
        jz r1, ck_not_dep
        assert_eq r5, 0           ; a deposit pays from nobody
        assert_eq r8, 0
        assert_ne r9, 0           ; Ax = 0 would read as the empty account
        ret
ck_not_dep:
        jz r2, ck_withdraw
        assert_eq r9, 0           ; a transfer carries no data
        assert_eq r10, 0
        ret
ck_withdraw:
        assert_eq r6, 0           ; a withdrawal pays an L1 address, not an account
        assert_eq r10, 0
        range r9, 160
        ret

; ---- leaf: r11..r14 = Ax, Ay, balance, nonce -> r1 = the leaf (0 for the empty account)
leaf:
        hash r1, r11, r12, r13, r14
        jnz r11, leaf_done
        assert_eq r12, 0          ; Ax = 0 only for the empty account
        assert_eq r13, 0
        assert_eq r14, 0
        mov r1, 0
leaf_done:
        ret

; ---- path: r1 = old leaf, r2 = new leaf; reads DEPTH x (sibling, bit) ->
;      r1 = old root, r2 = new root (same siblings), r3 = the index the bits spell
path:
        mov r3, 0
        mov r4, 1                 ; 2^level
        mov r5, 0                 ; level
level:  secret r6                 ; sibling
        secret r7                 ; bit: 1 when the node is a right child
        range r7, 1
        mul r8, r7, r4
        add r3, r3, r8
        sub r8, r6, r1            ; d = bit (sibling - node): left = node + d, right = sibling - d
        mul r8, r8, r7
        add r9, r1, r8
        sub r10, r6, r8
        hash r1, r9, r10
        sub r8, r6, r2
        mul r8, r8, r7
        add r9, r2, r8
        sub r10, r6, r8
        hash r2, r9, r10
        add r4, r4, r4
        add r5, r5, 1
        lt r8, r5, DEPTH
        jnz r8, level
        ret

; ---- update: r1 = old leaf, r2 = new leaf, r0 = the index; the old leaf must be in the tree
update:
        store [INDEX], r0
        call path
        load r0, [ROOT]
        assert_eq r1, r0          ; the account is what the tree holds
        store [ROOT], r2
        load r0, [INDEX]
        assert_eq r3, r0          ; at the index the transaction names
        ret

; ---- pay: the `from` account; a transfer or withdrawal needs its signature and nonce
pay:
        secret r11
        secret r12
        secret r13
        secret r14
        call leaf
        mov r2, r1
        load r0, [DEBITS]
        jz r0, pay_go
        load r3, [KIND]
        load r4, [FROM]
        load r5, [TO]
        load r6, [AMOUNT]
        load r7, [NONCE]
        load r8, [D1]
        mov r9, CHAIN_ID
        hash r10, r9, r3, r4, r5, r6, r7, r8
        load r3, [SIG_S]
        load r4, [SIG_RX]
        load r5, [SIG_RY]
        eddsa r11, r12, r3, r4, r5, r10
        assert_eq r7, r14         ; the nonce is the account's
        lt r0, r13, r6
        assert_eq r0, 0           ; no overdraft
        sub r13, r13, r6
        add r14, r14, 1
        range r14, 64
        hash r2, r11, r12, r13, r14
pay_go: load r0, [FROM]
        call update
        ret

; ---- credit: the `to` account; a deposit may create it, a transfer needs it to exist
credit:
        secret r11
        secret r12
        secret r13
        secret r14
        call leaf
        mov r2, r1
        load r0, [CREDITS]
        jz r0, credit_go
        load r0, [DEPOSIT]
        jz r0, cr_transfer
        load r5, [D1]
        load r6, [D2]
        jnz r11, cr_known
        mov r11, r5               ; a new account, with the depositor's key
        mov r12, r6
        jmp cr_add
cr_known:
        assert_eq r11, r5         ; a deposit into an account must name its key
        assert_eq r12, r6
        jmp cr_add
cr_transfer:
        assert_ne r11, 0          ; transfers go to existing accounts only
cr_add: load r0, [AMOUNT]
        add r13, r13, r0
        range r13, 64             ; no balance overflow
        hash r2, r11, r12, r13, r14
credit_go:
        load r0, [TO]
        call update
        ret

; ---- record: this slot's public data at OUT + 3 slot
record:
        load r0, [KIND]
        load r1, [FROM]
        mul r1, r1, 4
        add r0, r0, r1
        load r1, [TO]
        mul r1, r1, 0x400000000            ; 2^34
        add r0, r0, r1
        load r1, [AMOUNT]
        mul r1, r1, 0x40000000000000000    ; 2^66
        add r0, r0, r1
        mul r2, r15, 3
        add r2, r2, OUT
        store [r2], r0
        load r0, [D1]
        store [r2 + 1], r0
        load r0, [D2]
        store [r2 + 2], r0
        ret
