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

/* The texts a scan reads: every one, or the positions in an int64 buffer (``rows``), each checked in range.
 * A caller with a column of distinct values and the few rows it needs passes the whole column and the rows,
 * so the answers come back in the column's own positions and no one scatters them afterwards. */
typedef struct {
    Py_buffer view;
    const int64_t *at; /* NULL: every text */
    Py_ssize_t count;
} RowSet;

static int rowset_get(PyObject *rows, Py_ssize_t n, RowSet *rs) {
    rs->at = NULL;
    rs->count = n;
    if (!rows || rows == Py_None) return 0;
    if (PyObject_GetBuffer(rows, &rs->view, PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (rs->view.len % (Py_ssize_t)sizeof(int64_t)) {
        PyBuffer_Release(&rs->view);
        PyErr_SetString(PyExc_ValueError, "rows: expected a buffer of int64 positions");
        return -1;
    }
    rs->at = (const int64_t *)rs->view.buf;
    rs->count = rs->view.len / (Py_ssize_t)sizeof(int64_t);
    for (Py_ssize_t k = 0; k < rs->count; k++)
        if (rs->at[k] < 0 || rs->at[k] >= n) {
            PyBuffer_Release(&rs->view);
            PyErr_SetString(PyExc_IndexError, "rows: a position outside the texts");
            return -1;
        }
    return 0;
}

static inline Py_ssize_t rowset_at(const RowSet *rs, Py_ssize_t k) { return rs->at ? (Py_ssize_t)rs->at[k] : k; }

static void rowset_release(RowSet *rs) {
    if (rs->at) PyBuffer_Release(&rs->view);
}

/* 0 with both arrays allocated, -1 with a Python error set. Answers start at 0 for the texts ``rs`` reads
 * and at 0xFF (-1 as int8: not answered) for every other one; flags start at 0. */
static int scanout_new(ScanOut *o, Py_ssize_t n, size_t width, const RowSet *rs) {
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
    memset(o->flag, 0, (size_t)n);
    if (!rs->at) {
        memset(o->out, 0, (size_t)n * width);
        return 0;
    }
    if (!width) return 0;
    unsigned char *first = o->out; /* one pattern's line, then copied: the rest are the same */
    memset(first, 0xFF, (size_t)n);
    for (Py_ssize_t k = 0; k < rs->count; k++) first[rs->at[k]] = 0;
    for (size_t id = 1; id < width; id++) memcpy(o->out + id * (size_t)n, first, (size_t)n);
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
