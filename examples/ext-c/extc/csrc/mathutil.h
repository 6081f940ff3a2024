#ifndef EXTC_MATHUTIL_H
#define EXTC_MATHUTIL_H
long extc_fib(long n);
long extc_scale(long x);
#endif
