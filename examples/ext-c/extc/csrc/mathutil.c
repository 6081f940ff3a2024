#include "mathutil.h"

long extc_fib(long n)
{
    long a = 0, b = 1;
    for (long i = 0; i < n; i++) {
        long t = a + b;
        a = b;
        b = t;
    }
    return a;
}

long extc_scale(long x)
{
    return x * EXTC_SCALE;
}
