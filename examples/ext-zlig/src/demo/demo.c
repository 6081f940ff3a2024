#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args)
{
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a + b);
}

static PyMethodDef DemoMethods[] = {
    {"add", add, METH_VARARGS, "Add two numbers."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef demomodule = {PyModuleDef_HEAD_INIT, "demo.demo", NULL, -1, DemoMethods};

PyMODINIT_FUNC PyInit_demo(void)
{
    return PyModule_Create(&demomodule);
}
