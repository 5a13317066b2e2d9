; popcount.asm: the number of 1 bits of a 64-bit value (u64 instructions).
;
;   public input:  x            (must be below 2^64: `and`/`shr` fault otherwise)
;   output:        popcount(x)
;
; A constant 64-iteration loop peels off the lowest bit with `and` and shifts it out with
; `shr`. The trip count does not depend on x, so the compiler can unroll it without a
; `.bound`; one is given anyway (63 backward jumps) to state the intent.

.public 1
.outputs 1
.const BITS 64
.bound loop, 63

        read r1                 ; r1 = the bits not yet counted
        mov r2, 0               ; r2 = count
        mov r3, BITS            ; r3 = iterations left
loop:
        and r4, r1, 1           ; lowest bit
        add r2, r2, r4
        shr r1, r1, 1           ; drop it
        sub r3, r3, 1
        jnz r3, loop
        write r2
        halt
