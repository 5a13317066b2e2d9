; fib.asm: the n-th Fibonacci number, with a loop whose trip count depends on the input.
;
;   public input:  n            (0 <= n <= 65)
;   output:        fib(n)       (fib(0) = 0, fib(1) = 1, fib(k) = fib(k-1) + fib(k-2)), mod r
;
; The loop runs n times, i.e. takes n - 1 backward jumps, so `.bound loop, 64` admits every
; n <= 65; a larger n makes the run fault at the `jnz` (and the proof impossible). The bound is
; what lets the compiler unroll a loop whose exit depends on a run-time value.

.public 1
.outputs 1
.bound loop, 64

        read r1                 ; r1 = n, the iterations still to do
        mov r2, 0               ; r2 = a = fib(i)
        mov r3, 1               ; r3 = b = fib(i + 1)
        jz r1, done             ; n = 0: fib(0) = 0, skip the loop entirely
loop:
        add r4, r2, r3          ; (a, b) <- (b, a + b)
        mov r2, r3
        mov r3, r4
        sub r1, r1, 1           ; one iteration done
        jnz r1, loop            ; backward jump: counted against .bound
done:
        write r2                ; a = fib(n)
        halt
