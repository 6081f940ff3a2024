#include <Python.h>

static PyObject *mul(PyObject *self, PyObject *args)
{
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a * b);
}

static PyMethodDef methods[] = {
    {"mul", mul, METH_VARARGS, "Multiply two integers."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "extabi3._limited", NULL, -1, methods};

PyMODINIT_FUNC PyInit__limited(void)
{
    return PyModule_Create(&module);
}
