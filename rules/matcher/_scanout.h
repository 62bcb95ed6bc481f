/* The answer layout both text scanners return (rules/matcher/_textscan.c, _phrasescan.c), kept in one place
 * because rules/matcher/textscan.py reads the two the same way: a matrix of width * n bytes (one contiguous
 * run of n answers per pattern or family) and one flag byte per text. */
#ifndef LEADSIG_SCANOUT_H
#define LEADSIG_SCANOUT_H

#include <Python.h>
#include <string.h>

typedef struct {
    PyObject *matrix;     /* bytearray width * n, zeroed */
    PyObject *marks;      /* bytearray n, zeroed */
    unsigned char *out;
    unsigned char *flag;
} ScanOut;

/* 0 with both arrays allocated and zeroed, -1 with a Python error set. */
static int scanout_new(ScanOut *o, Py_ssize_t n, size_t width) {
    if (width && n > PY_SSIZE_T_MAX / (Py_ssize_t)width) { PyErr_NoMemory(); return -1; }
    o->matrix = PyByteArray_FromStringAndSize(NULL, 0);
    o->marks = PyByteArray_FromStringAndSize(NULL, 0);
    if (!o->matrix || !o->marks || PyByteArray_Resize(o->matrix, n * (Py_ssize_t)width) < 0 ||
        PyByteArray_Resize(o->marks, n) < 0) {
        Py_XDECREF(o->matrix); Py_XDECREF(o->marks);
        return -1;
    }
    o->out = (unsigned char *)PyByteArray_AS_STRING(o->matrix);
    o->flag = (unsigned char *)PyByteArray_AS_STRING(o->marks);
    memset(o->out, 0, (size_t)n * width);
    memset(o->flag, 0, (size_t)n);
    return 0;
}

/* A text the scanners can read byte by byte (an ASCII str), or NULL: the row is left to RE2. */
static const char *scanout_ascii(PyObject *t, Py_ssize_t *len) {
    if (!PyUnicode_Check(t) || PyUnicode_READY(t) < 0 || !PyUnicode_IS_ASCII(t)) {
        PyErr_Clear();
        return NULL;
    }
    *len = PyUnicode_GET_LENGTH(t);
    return (const char *)PyUnicode_DATA(t);
}

#endif
