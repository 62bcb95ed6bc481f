/* Multi-pattern answers for many texts in one C loop, on Hyperscan (libhs).
 *
 * Why C: every Python binding of a multi-pattern matcher costs a Python call per text or per match
 * (about a microsecond each), and a million comments make that the whole budget. This loop scans each
 * text as its own block, so ^, $, \A, \z and \b see the text's real edges, and reports per text which
 * patterns matched, with no Python call per text or per match.
 *
 * The GIL is held for the whole loop: no Python code runs meanwhile, so the list cannot change under it,
 * and two threads never share the scratch space.
 *
 * It only reads: the texts are never evaluated or changed. Which patterns may be answered here, and on
 * which texts, is decided in rules/matcher/textscan.py; a text this loop cannot answer (not a str, or not
 * ASCII) is flagged, and the caller answers it with RE2.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <hs/hs.h>
#include <string.h>

#include "_scanout.h"

#define FLAG_UNDECIDED 1 /* not a str, or not ASCII: the caller answers this text with RE2 */
#define FLAG_VT 2        /* contains \v, where PCRE's \s and RE2's \s differ */
#define FLAG_ENDS_NL 4   /* ends with \n, where PCRE's $ and RE2's $ differ */

typedef struct {
    PyObject_HEAD
    hs_database_t *db;
    hs_scratch_t *scratch;
    unsigned int count;
} Scanner;

static void scanner_dealloc(Scanner *self) {
    if (self->scratch) hs_free_scratch(self->scratch);
    if (self->db) hs_free_database(self->db);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject ScannerType;
static PyObject *CompileError;

/* compile(patterns: list[bytes], flags: list[int]) -> Scanner
 * On a pattern Hyperscan refuses, raises CompileError(message, index) so the caller can drop it. */
static PyObject *textscan_compile(PyObject *mod, PyObject *args) {
    PyObject *patterns, *flags;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &patterns, &PyList_Type, &flags)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(patterns);
    if (n == 0 || n != PyList_GET_SIZE(flags) || n > 65535) {
        PyErr_SetString(PyExc_ValueError, "need 1..65535 patterns and one flags value per pattern");
        return NULL;
    }
    const char **exprs = PyMem_Calloc(n, sizeof(char *));
    unsigned int *fl = PyMem_Calloc(n, sizeof(unsigned int));
    unsigned int *ids = PyMem_Calloc(n, sizeof(unsigned int));
    if (!exprs || !fl || !ids) {
        PyMem_Free(exprs); PyMem_Free(fl); PyMem_Free(ids);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyList_GET_ITEM(patterns, i);
        if (!PyBytes_Check(p)) {
            PyErr_SetString(PyExc_TypeError, "patterns must be bytes");
            goto fail;
        }
        exprs[i] = PyBytes_AS_STRING(p);
        fl[i] = (unsigned int)PyLong_AsUnsignedLong(PyList_GET_ITEM(flags, i));
        if (PyErr_Occurred()) goto fail;
        ids[i] = (unsigned int)i;
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    if (hs_compile_multi(exprs, fl, ids, (unsigned int)n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        PyObject *exc = Py_BuildValue("(si)", err ? err->message : "compile failed", err ? err->expression : -1);
        if (err) hs_free_compile_error(err);
        if (exc) { PyErr_SetObject(CompileError, exc); Py_DECREF(exc); }
        goto fail;
    }
    Scanner *self = PyObject_New(Scanner, &ScannerType);
    if (!self) { hs_free_database(db); goto fail; }
    self->db = db;
    self->scratch = NULL;
    self->count = (unsigned int)n;
    if (hs_alloc_scratch(db, &self->scratch) != HS_SUCCESS) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_MemoryError, "hyperscan could not allocate scratch space");
        goto fail;
    }
    PyMem_Free(exprs); PyMem_Free(fl); PyMem_Free(ids);
    return (PyObject *)self;
fail:
    PyMem_Free(exprs); PyMem_Free(fl); PyMem_Free(ids);
    return NULL;
}

typedef struct {
    unsigned char *cell; /* this text's answer for pattern 0 */
    size_t stride;       /* distance to the next pattern's answer: the number of texts */
} Hit;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                    void *ctx) {
    (void)from; (void)to; (void)flags;
    Hit *hit = (Hit *)ctx;
    hit->cell[id * hit->stride] = 1;
    return 0;
}

/* Scanner.scan(texts: list, rows=None) -> (matrix: bytearray count * len(texts), flags: bytearray len(texts))
 * matrix[id * len(texts) + row] is 1 where pattern id matched the text (one contiguous run of answers per
 * pattern); flags holds the FLAG_* bits per text. ``rows`` (int64 positions): read only those texts, and
 * leave 0xFF in every other text's answers. */
static PyObject *scanner_scan(Scanner *self, PyObject *args) {
    PyObject *texts, *rows = NULL;
    if (!PyArg_ParseTuple(args, "O!|O", &PyList_Type, &texts, &rows)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    size_t width = self->count;
    RowSet rs;
    if (rowset_get(rows, n, &rs) < 0) return NULL;
    ScanOut o;
    if (scanout_new(&o, n, width, &rs) < 0) { rowset_release(&rs); return NULL; }
    PyObject *matrix = o.matrix, *marks = o.marks;
    unsigned char *out = o.out, *flag = o.flag;
    for (Py_ssize_t k = 0; k < rs.count; k++) {
        Py_ssize_t row = rowset_at(&rs, k);
        PyObject *t = PyList_GET_ITEM(texts, row);
        Py_ssize_t len;
        const char *data = scanout_ascii(t, &len);
        if (!data) { flag[row] = FLAG_UNDECIDED; continue; }
        if (len > 0xFFFFFFFFLL) { flag[row] = FLAG_UNDECIDED; continue; }
        unsigned char f = 0;
        if (len && memchr(data, '\v', (size_t)len)) f |= FLAG_VT;
        if (len && data[len - 1] == '\n') f |= FLAG_ENDS_NL;
        flag[row] = f;
        Hit hit = {out + row, (size_t)n};
        hs_error_t rc = hs_scan(self->db, data, (unsigned int)len, 0, self->scratch, on_match, &hit);
        if (rc != HS_SUCCESS) {
            Py_DECREF(matrix); Py_DECREF(marks); rowset_release(&rs);
            PyErr_Format(PyExc_RuntimeError, "hyperscan scan failed with code %d", (int)rc);
            return NULL;
        }
    }
    rowset_release(&rs);
    return Py_BuildValue("(NN)", matrix, marks);
}

/* Scanner.serialize() -> bytes: the compiled database, for load() in a later process (Hyperscan's own
 * format, which carries its version, target platform and a checksum that load() verifies). */
static PyObject *scanner_serialize(Scanner *self, PyObject *Py_UNUSED(ignored)) {
    char *bytes = NULL;
    size_t length = 0;
    if (hs_serialize_database(self->db, &bytes, &length) != HS_SUCCESS) {
        PyErr_SetString(PyExc_RuntimeError, "hyperscan could not serialize the database");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(bytes, (Py_ssize_t)length);
    free(bytes); /* hs_serialize_database allocates with the misc allocator, malloc by default */
    return out;
}

static PyMethodDef scanner_methods[] = {
    {"scan", (PyCFunction)scanner_scan, METH_VARARGS, "Per-text pattern answers for a list of str (rows: which)."},
    {"serialize", (PyCFunction)scanner_serialize, METH_NOARGS, "The compiled database as bytes, for load()."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rules.matcher._textscan.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_dealloc = (destructor)scanner_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A compiled Hyperscan block-mode database with its scratch space.",
    .tp_methods = scanner_methods,
};

/* load(data: bytes, count: int) -> Scanner, from Scanner.serialize() of a database of count patterns.
 * Raises CompileError when Hyperscan rejects the bytes (another version or platform, or corrupt). */
static PyObject *textscan_load(PyObject *mod, PyObject *args) {
    const char *data;
    Py_ssize_t length;
    unsigned int count;
    if (!PyArg_ParseTuple(args, "y#I", &data, &length, &count)) return NULL;
    if (count == 0 || count > 65535) {
        PyErr_SetString(PyExc_ValueError, "need 1..65535 patterns");
        return NULL;
    }
    hs_database_t *db = NULL;
    if (hs_deserialize_database(data, (size_t)length, &db) != HS_SUCCESS) {
        PyObject *exc = Py_BuildValue("(si)", "hyperscan rejected the serialized database", -1);
        if (exc) { PyErr_SetObject(CompileError, exc); Py_DECREF(exc); }
        return NULL;
    }
    Scanner *self = PyObject_New(Scanner, &ScannerType);
    if (!self) { hs_free_database(db); return NULL; }
    self->db = db;
    self->scratch = NULL;
    self->count = count;
    if (hs_alloc_scratch(db, &self->scratch) != HS_SUCCESS) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_MemoryError, "hyperscan could not allocate scratch space");
        return NULL;
    }
    return (PyObject *)self;
}

static PyObject *textscan_version(PyObject *mod, PyObject *Py_UNUSED(ignored)) {
    return PyUnicode_FromString(hs_version());
}

static PyMethodDef module_methods[] = {
    {"load", textscan_load, METH_VARARGS, "A Scanner from Scanner.serialize() bytes and its pattern count."},
    {"version", textscan_version, METH_NOARGS, "The Hyperscan library's version string."},
    {"compile", textscan_compile, METH_VARARGS, "Compile patterns (bytes) with Hyperscan flags."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_textscan", NULL, -1, module_methods};

PyMODINIT_FUNC PyInit__textscan(void) {
    if (PyType_Ready(&ScannerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    CompileError = PyErr_NewException("rules.matcher._textscan.CompileError", PyExc_ValueError, NULL);
    if (!CompileError || PyModule_AddObject(m, "CompileError", CompileError) < 0) {
        Py_XDECREF(CompileError);
        Py_DECREF(m);
        return NULL;
    }
    PyModule_AddIntConstant(m, "FLAG_UNDECIDED", FLAG_UNDECIDED);
    PyModule_AddIntConstant(m, "FLAG_VT", FLAG_VT);
    PyModule_AddIntConstant(m, "FLAG_ENDS_NL", FLAG_ENDS_NL);
    PyModule_AddIntConstant(m, "HS_FLAG_CASELESS", HS_FLAG_CASELESS);
    PyModule_AddIntConstant(m, "HS_FLAG_SINGLEMATCH", HS_FLAG_SINGLEMATCH);
    PyModule_AddIntConstant(m, "HS_FLAG_MULTILINE", HS_FLAG_MULTILINE);
    PyModule_AddIntConstant(m, "HS_FLAG_DOTALL", HS_FLAG_DOTALL);
    return m;
}
