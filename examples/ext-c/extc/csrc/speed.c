#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "mathutil.h"

static PyObject *add(PyObject *self, PyObject *args)
{
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a + b);
}

static PyObject *fib(PyObject *self, PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(extc_fib(n));
}

static PyObject *scaled(PyObject *self, PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(extc_scale(n));
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "Add two integers."},
    {"fib", fib, METH_O, "The n-th Fibonacci number."},
    {"scaled", scaled, METH_O, "Multiply by EXTC_SCALE."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "extc._speed", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speed(void)
{
    return PyModule_Create(&module);
}
