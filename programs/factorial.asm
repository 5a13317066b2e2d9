; factorial.asm: n! mod r, multiplying n, n-1, ..., 1 into an accumulator.
;
;   public input:  n            (0 <= n <= 32)
;   output:        n! mod r
;
; The trip count is the input, so the loop carries a `.bound`: n iterations take n - 1
; backward jumps, and `.bound loop, 31` admits n <= 32.

.public 1
.outputs 1
.const MAX_JUMPS 31
.bound loop, MAX_JUMPS

        read r1                 ; r1 = k, counts down from n to 1
        mov r2, 1               ; r2 = product so far (0! = 1)
        jz r1, done             ; n = 0: nothing to multiply
loop:
        mul r2, r2, r1          ; product *= k
        sub r1, r1, 1           ; k -= 1
        jnz r1, loop            ; until k = 0
done:
        write r2
        halt
