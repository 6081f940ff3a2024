#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <numeric>
#include <string>
#include <vector>

// join(sep, [str, ...]) -> str, through std::string.
static PyObject *join(PyObject *, PyObject *args)
{
    const char *sep;
    PyObject *seq;
    if (!PyArg_ParseTuple(args, "sO", &sep, &seq))
        return nullptr;
    PyObject *fast = PySequence_Fast(seq, "join expects a sequence");
    if (!fast)
        return nullptr;
    std::string out;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *s = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i));
        if (!s) {
            Py_DECREF(fast);
            return nullptr;
        }
        if (i)
            out += sep;
        out += s;
    }
    Py_DECREF(fast);
    return PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}

// sum_squares([int, ...]) -> int, through std::vector and std::accumulate.
static PyObject *sum_squares(PyObject *, PyObject *seq)
{
    PyObject *fast = PySequence_Fast(seq, "sum_squares expects a sequence");
    if (!fast)
        return nullptr;
    std::vector<long long> v;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    for (Py_ssize_t i = 0; i < n; i++) {
        long long x = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (x == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return nullptr;
        }
        v.push_back(x);
    }
    Py_DECREF(fast);
    auto total = std::accumulate(v.begin(), v.end(), 0LL, [](long long acc, long long x) { return acc + x * x; });
    return PyLong_FromLongLong(total);
}

static PyMethodDef methods[] = {
    {"join", join, METH_VARARGS, "Join strings with a separator."},
    {"sum_squares", sum_squares, METH_O, "Sum of squares."},
    {nullptr, nullptr, 0, nullptr},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "extcpp._vec", nullptr, -1, methods};

PyMODINIT_FUNC PyInit__vec(void)
{
    return PyModule_Create(&module);
}
