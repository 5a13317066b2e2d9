; state_update.asm: one rollup state transition, the statement an L1 bridge checks.
;
;   public input:  oldRoot       the rollup's state root before the update
;   private input: balance, nonce, amount, then for each of the 4 levels from the leaf up:
;                  sibling, bit   (bit = 0: the node is the left child, 1: the right child)
;   output:        newRoot       the state root after the update
;
; The state is a Poseidon Merkle tree of depth 4 (16 accounts); an account's leaf is
; Poseidon(balance, nonce). The update debits `amount` from one account and bumps its nonce:
;
;   1. balance >= amount, compared as u64 (so balance and amount are also below 2^64);
;   2. old leaf = Poseidon(balance, nonce), new leaf = Poseidon(balance - amount, nonce + 1);
;   3. both leaves are hashed up the same path (same siblings, same bits): the old one must reach
;      the public oldRoot (membership), the new one gives newRoot, the program's one output.
;
; Public signals (outputs first, then public inputs): [newRoot, oldRoot] -- the pair the bridge
; contract rebuilds from its own arguments (docs/l1.md). Because the nonce grows by one on every
; update, a leaf never returns to an earlier value, so newRoot != oldRoot.
;
; The child order is chosen without branching, as in merkle.asm: with d = bit * (sibling - node),
; left = node + d and right = sibling - d. Each level costs two hashes (old and new path).

.public 1
.private 11
.outputs 1
.const DEPTH 4
.bound level, 3                 ; exactly DEPTH iterations: DEPTH - 1 backward jumps

        read r10                ; r10 = oldRoot (public)
        secret r1               ; r1 = balance
        secret r2               ; r2 = nonce
        secret r3               ; r3 = amount
        ge r6, r1, r3           ; u64 compare: faults unless both are below 2^64
        assert_eq r6, 1         ; the account can afford the amount
        range r2, 64            ; nonce is a u64 too, so nonce + 1 cannot wrap around r
        hash r4, r1, r2         ; r4 = old node, starts at the old leaf
        sub r1, r1, r3          ; new balance: no underflow, balance >= amount was checked
        add r2, r2, 1           ; new nonce
        hash r5, r1, r2         ; r5 = new node, starts at the new leaf
        mov r9, DEPTH           ; r9 = levels still to hash
level:
        secret r7               ; r7 = sibling at this level (shared by both paths)
        secret r8               ; r8 = direction bit at this level
        range r8, 1             ; the bit must be 0 or 1 (else a forged order could pass)
        sub r11, r7, r4         ; old path: d = bit * (sibling - node)
        mul r11, r11, r8
        add r12, r4, r11        ; left
        sub r13, r7, r11        ; right
        hash r4, r12, r13       ; old node one level up
        sub r11, r7, r5         ; new path: same sibling, same bit
        mul r11, r11, r8
        add r12, r5, r11
        sub r13, r7, r11
        hash r5, r12, r13       ; new node one level up
        sub r9, r9, 1
        jnz r9, level
        assert_eq r4, r10       ; membership: the old leaf lies under the public oldRoot
        write r5                ; newRoot
        halt
