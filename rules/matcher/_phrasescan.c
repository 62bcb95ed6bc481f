/* Phrase families answered on a token stream, for many texts in one C loop.
 *
 * Why: a phrase family (rules.language.phrases) compiles to a regular expression of hundreds of
 * alternatives with gaps and stem endings; Hyperscan answers it, but that NFA work was 75-80% of the whole
 * match on the default pack. Here each text is cut once into words (runs of ASCII letters and digits,
 * lower-cased), each word is looked up once in a trie of every word and stem the phrases use, and a
 * phrase is then a short sequence of word ids with optional gaps: the work per text is one pass over its
 * bytes plus a few table look-ups per word.
 *
 * The answers are RE2's for the pattern (rules/matcher/phrasescan.py proves the pattern has the phrase
 * shape before handing it here, and explains the word rules, including what '_' changes). A text this
 * loop cannot answer (not a str, or not ASCII: RE2 folds case and reads \W per Unicode character) is
 * flagged, and the caller answers it with RE2.
 *
 * The GIL is held for the whole loop, as in _textscan.c: the list cannot change under it, and the scratch
 * buffers of a Matcher are never shared by two threads. It only reads the texts.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_scanout.h"

#define FLAG_UNDECIDED 1 /* the same bit as _textscan.FLAG_UNDECIDED */
#define LETTERS 36       /* a-z, 0-9: the children of a trie node */
#define UNDERSCORE 36
#define OTHER 37
/* pairs_of bits, set by rules/matcher/phrasescan.py: the word begins a phrase of two words or more whose
 * second word comes right after it (or after a gap); the word is such a phrase's second word (after a gap) */
#define PAIR_FIRST 1
#define PAIR_FIRST_GAP 2
#define PAIR_SECOND 4
#define PAIR_SECOND_GAP 8

static unsigned char CLASS[256];

typedef struct {
    int32_t ids;    /* first word id of this token in the ids buffer */
    int32_t count;  /* how many word ids this token matches */
    int32_t chain;  /* last token reachable through separators made of '_' only */
    uint8_t starts; /* preceded by the text's start or a non-word character (a regex \b before it) */
    uint8_t glued;  /* the separator after this token is '_' only */
} Token;

typedef struct {
    PyObject_HEAD
    int32_t *child;                 /* nodes x 36, 0 = no child (the root is never a child) */
    int32_t *pre_off, *pre_ids;     /* per node: word ids whose stem ends here (the word starts with it) */
    int32_t *ex_off, *ex_ids;       /* per node: word ids spelled exactly here (or with one more 's') */
    uint8_t *is_prefix;             /* per word id */
    int32_t *ph_off, *ph_words, *ph_family;  /* phrases: word ids from ph_off[p] to ph_off[p + 1] */
    uint8_t *ph_gap;                /* per phrase word: how many other words may come before it */
    int32_t *single_off, *single_fam; /* per word id: families with a one-word phrase of it */
    uint8_t *pairs_of;              /* per word id: PAIR_* bits (first or second word of a phrase, gap or not) */
    uint64_t *slot_key;             /* open-addressing table of (first word, second word, gap?) */
    int32_t *slot_off, *pair_ids;   /* per slot: its phrases, pair_ids[slot_off[s]..slot_off[s + 1]] */
    int32_t nodes, words, phrases, families, bits;
    Token *tok;
    Py_ssize_t tok_cap;
    int32_t *ids;
    Py_ssize_t ids_cap;
    uint8_t *done;
} Matcher;

static void matcher_dealloc(Matcher *self) {
    void *bufs[] = {self->child, self->pre_off, self->pre_ids, self->ex_off, self->ex_ids, self->is_prefix,
                    self->ph_off, self->ph_words, self->ph_family, self->ph_gap, self->single_off,
                    self->single_fam, self->pairs_of, self->slot_key, self->slot_off, self->pair_ids, self->tok, self->ids, self->done};
    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) PyMem_Free(bufs[i]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A private copy of one bytes argument holding `count` items of `size` bytes. */
static int take(PyObject *b, Py_ssize_t count, size_t size, void **out, const char *what) {
    if (!PyBytes_Check(b) || PyBytes_GET_SIZE(b) != count * (Py_ssize_t)size) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd bytes", what, count * (Py_ssize_t)size);
        return -1;
    }
    *out = PyMem_Malloc(count * size + 1);
    if (!*out) { PyErr_NoMemory(); return -1; }
    memcpy(*out, PyBytes_AS_STRING(b), count * size);
    return 0;
}

/* Every index in the tables within its array, so a wrong table is an error and never a stray read. */
static int check(const Matcher *m, Py_ssize_t npre, Py_ssize_t nex, Py_ssize_t nphw, Py_ssize_t nsingle,
                 Py_ssize_t npairs) {
    Py_ssize_t slots = (Py_ssize_t)1 << m->bits;
    for (Py_ssize_t i = 0; i < (Py_ssize_t)m->nodes * LETTERS; i++)
        if (m->child[i] < 0 || m->child[i] >= m->nodes) return -1;
    for (int i = 0; i < m->nodes; i++)
        if (m->pre_off[i] > m->pre_off[i + 1] || m->ex_off[i] > m->ex_off[i + 1]) return -1;
    if (m->pre_off[0] != 0 || m->pre_off[m->nodes] != npre || m->ex_off[0] != 0 || m->ex_off[m->nodes] != nex)
        return -1;
    for (Py_ssize_t i = 0; i < npre; i++) if (m->pre_ids[i] < 0 || m->pre_ids[i] >= m->words) return -1;
    for (Py_ssize_t i = 0; i < nex; i++) if (m->ex_ids[i] < 0 || m->ex_ids[i] >= m->words) return -1;
    if (m->ph_off[0] != 0 || m->ph_off[m->phrases] != nphw) return -1;
    for (int p = 0; p < m->phrases; p++)
        if (m->ph_off[p] >= m->ph_off[p + 1] || m->ph_family[p] < 0 || m->ph_family[p] >= m->families) return -1;
    for (Py_ssize_t i = 0; i < nphw; i++) if (m->ph_words[i] < 0 || m->ph_words[i] >= m->words) return -1;
    if (m->single_off[0] != 0 || m->single_off[m->words] != nsingle) return -1;
    for (int w = 0; w < m->words; w++) if (m->single_off[w] > m->single_off[w + 1]) return -1;
    for (Py_ssize_t i = 0; i < nsingle; i++)
        if (m->single_fam[i] < 0 || m->single_fam[i] >= m->families) return -1;
    if (m->slot_off[0] != 0 || m->slot_off[slots] != npairs) return -1;
    for (Py_ssize_t i = 0; i < slots; i++) if (m->slot_off[i] > m->slot_off[i + 1]) return -1;
    for (Py_ssize_t i = 0; i < npairs; i++)
        if (m->pair_ids[i] < 0 || m->pair_ids[i] >= m->phrases || m->ph_off[m->pair_ids[i] + 1] -
            m->ph_off[m->pair_ids[i]] < 2) return -1;
    return 0;
}

/* Matcher(sizes, child, pre_off, pre_ids, ex_off, ex_ids, is_prefix, ph_off, ph_words, ph_gap, ph_family,
 *         single_off, single_fam, pairs_of, slot_key, slot_off, pair_ids): arrays built by
 *         rules/matcher/phrasescan.py (int32, uint8 or uint64, native order), checked here before use. */
static int matcher_init(Matcher *self, PyObject *args, PyObject *kw) {
    (void)kw;
    PyObject *b[16];
    int nodes, words, phrases, families, bits;
    Py_ssize_t npre, nex, nphw, nsingle, npairs;
    if (!PyArg_ParseTuple(args, "(iiiiinnnnn)OOOOOOOOOOOOOOOO", &nodes, &words, &phrases, &families, &bits,
                          &npre, &nex, &nphw, &nsingle, &npairs, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6],
                          &b[7], &b[8], &b[9], &b[10], &b[11], &b[12], &b[13], &b[14], &b[15]))
        return -1;
    if (nodes < 1 || words < 0 || phrases < 0 || families < 1 || bits < 1 || bits > 30) {
        PyErr_SetString(PyExc_ValueError, "a matcher needs a root node and at least one family");
        return -1;
    }
    self->nodes = nodes; self->words = words; self->phrases = phrases; self->families = families;
    self->bits = bits;
    Py_ssize_t slots = (Py_ssize_t)1 << bits;
    if (take(b[0], (Py_ssize_t)nodes * LETTERS, 4, (void **)&self->child, "child") ||
        take(b[1], nodes + 1, 4, (void **)&self->pre_off, "pre_off") ||
        take(b[2], npre, 4, (void **)&self->pre_ids, "pre_ids") ||
        take(b[3], nodes + 1, 4, (void **)&self->ex_off, "ex_off") ||
        take(b[4], nex, 4, (void **)&self->ex_ids, "ex_ids") ||
        take(b[5], words, 1, (void **)&self->is_prefix, "is_prefix") ||
        take(b[6], phrases + 1, 4, (void **)&self->ph_off, "ph_off") ||
        take(b[7], nphw, 4, (void **)&self->ph_words, "ph_words") ||
        take(b[8], nphw, 1, (void **)&self->ph_gap, "ph_gap") ||
        take(b[9], phrases, 4, (void **)&self->ph_family, "ph_family") ||
        take(b[10], words + 1, 4, (void **)&self->single_off, "single_off") ||
        take(b[11], nsingle, 4, (void **)&self->single_fam, "single_fam") ||
        take(b[12], words, 1, (void **)&self->pairs_of, "pairs_of") ||
        take(b[13], slots, 8, (void **)&self->slot_key, "slot_key") ||
        take(b[14], slots + 1, 4, (void **)&self->slot_off, "slot_off") ||
        take(b[15], npairs, 4, (void **)&self->pair_ids, "pair_ids"))
        return -1;
    if (check(self, npre, nex, nphw, nsingle, npairs) < 0) {
        PyErr_SetString(PyExc_ValueError, "inconsistent phrase matcher tables");
        return -1;
    }
    self->done = PyMem_Calloc(families, 1);
    if (!self->done) { PyErr_NoMemory(); return -1; }
    return 0;
}

static int grow(Matcher *self, Py_ssize_t tokens, Py_ssize_t ids) {
    if (tokens > self->tok_cap) {
        Py_ssize_t cap = tokens * 2 + 64;
        Token *t = PyMem_Realloc(self->tok, cap * sizeof(Token));
        if (!t) return -1;
        self->tok = t; self->tok_cap = cap;
    }
    if (ids > self->ids_cap) {
        Py_ssize_t cap = ids * 2 + 256;
        int32_t *d = PyMem_Realloc(self->ids, cap * sizeof(int32_t));
        if (!d) return -1;
        self->ids = d; self->ids_cap = cap;
    }
    return 0;
}

/* Append the word ids stored at one node list; -1 when out of memory. */
static int add_ids(Matcher *self, Py_ssize_t *n, const int32_t *off, const int32_t *list, int32_t node) {
    int32_t a = off[node], z = off[node + 1];
    if (a == z) return 0;
    if (grow(self, 0, *n + (z - a)) < 0) return -1;
    memcpy(self->ids + *n, list + a, (size_t)(z - a) * sizeof(int32_t));
    *n += z - a;
    return 0;
}

/* Cut the text into tokens with their word ids; the number of tokens, or -1 when out of memory.
 * The token buffer is sized once per text (a token takes two bytes at least), and the trie walk of a word stops
 * at its first letter the trie does not have: the rest of the word is skipped in a plain loop. */
static Py_ssize_t tokenize(Matcher *self, const unsigned char *s, Py_ssize_t len) {
    Py_ssize_t i = 0, ntok = 0, nids = 0;
    if (grow(self, len / 2 + 1, 0) < 0) return -1;
    const int32_t *child = self->child, *pre_off = self->pre_off;
    while (i < len) {
        while (i < len && CLASS[s[i]] >= LETTERS) i++;
        if (i == len) break;
        Token *t = &self->tok[ntok];
        Py_ssize_t start = i;
        t->ids = (int32_t)nids;
        t->starts = start == 0 || s[start - 1] != '_';
        int32_t node = 0, before = -1;
        Py_ssize_t depth = 0;
        unsigned char c;
        while (i < len && (c = CLASS[s[i]]) < LETTERS) {
            int32_t next = child[(Py_ssize_t)node * LETTERS + c];
            i++;
            if (!next) {
                before = node; node = -1;
                while (i < len && CLASS[s[i]] < LETTERS) i++;
                break;
            }
            before = node; node = next; depth++;
            if (pre_off[node] != pre_off[node + 1] &&
                add_ids(self, &nids, pre_off, self->pre_ids, node) < 0) return -1;
        }
        Py_ssize_t size = i - start;
        int ends = i == len || s[i] != '_'; /* a regex \b after it */
        if (ends) {
            int plural = s[i - 1] == 's' || s[i - 1] == 'S';
            if (depth == size && add_ids(self, &nids, self->ex_off, self->ex_ids, node) < 0) return -1;
            if (plural && depth >= size - 1 && before > 0 &&
                add_ids(self, &nids, self->ex_off, self->ex_ids, before) < 0) return -1;
        }
        t->count = (int32_t)(nids - t->ids);
        Py_ssize_t j = i;
        while (j < len && s[j] == '_') j++;
        t->glued = j > i && (j == len || CLASS[s[j]] < LETTERS);
        ntok++;
    }
    for (Py_ssize_t k = ntok - 1; k >= 0; k--)
        self->tok[k].chain = (int32_t)(self->tok[k].glued && k + 1 < ntok ? self->tok[k + 1].chain : k);
    return ntok;
}

static inline int has(const Matcher *self, Py_ssize_t t, int32_t word) {
    const int32_t *d = self->ids + self->tok[t].ids;
    for (int32_t k = 0; k < self->tok[t].count; k++) if (d[k] == word) return 1;
    return 0;
}

/* Word k of phrase p and every later one, after word k - 1 matched token t. */
static int rest(const Matcher *self, int32_t p, int32_t k, Py_ssize_t t, Py_ssize_t ntok) {
    int32_t end = self->ph_off[p + 1];
    if (k == end) return 1;
    int32_t prev = self->ph_words[k - 1], word = self->ph_words[k];
    /* a stem's \w* may run through words joined by '_' before the separator */
    Py_ssize_t hi = (self->is_prefix[prev] ? self->tok[t].chain : t) + 1 + self->ph_gap[k];
    if (hi >= ntok) hi = ntok - 1;
    for (Py_ssize_t u = t + 1; u <= hi; u++)
        if (has(self, u, word) && rest(self, p, k + 1, u, ntok)) return 1;
    return 0;
}

/* The slot of (first word, second word, gap before the second), or -1: Fibonacci hashing, linear probing. */
static inline Py_ssize_t slot(const Matcher *self, int32_t a, int32_t b, int gap) {
    uint64_t key = ((uint64_t)(a + 1) << 32) | ((uint64_t)b << 1) | (uint64_t)(gap != 0);
    uint64_t mask = ((uint64_t)1 << self->bits) - 1;
    uint64_t h = (key * 0x9E3779B97F4A7C15ULL) >> (64 - self->bits);
    while (self->slot_key[h]) {
        if (self->slot_key[h] == key) return (Py_ssize_t)h;
        h = (h + 1) & mask;
    }
    return -1;
}

/* Every phrase that may begin at token k: one-word phrases at once; longer ones found through their first
 * two words (a table look-up per word id nearby, not a walk over every phrase that begins with the word).
 * pairs_of tells, per word id, which look-ups can find anything (PAIR_* bits): a word that begins no phrase
 * with (or without) a gap is not looked up with one, nor one that is never a second word, which is most of
 * the words near a common stem (the look-ups were a third of the scan). */
static void begin(Matcher *self, Py_ssize_t k, Py_ssize_t ntok, unsigned char *out, size_t stride) {
    const Token *tk = &self->tok[k];
    for (int32_t i = 0; i < tk->count; i++) {
        int32_t a = self->ids[tk->ids + i];
        for (int32_t q = self->single_off[a]; q < self->single_off[a + 1]; q++) {
            int32_t fam = self->single_fam[q];
            self->done[fam] = 1;
            out[(size_t)fam * stride] = 1;
        }
        uint8_t first = self->pairs_of[a] & (PAIR_FIRST | PAIR_FIRST_GAP);
        if (!first) continue;
        Py_ssize_t base = (self->is_prefix[a] ? tk->chain : k) + 1;
        Py_ssize_t hi = base + ((first & PAIR_FIRST_GAP) ? 3 : 0);
        if (hi >= ntok) hi = ntok - 1;
        for (Py_ssize_t u = k + 1; u <= hi; u++) {
            /* the second words worth looking up here: with no gap only up to base, with a gap up to base + 3 */
            uint8_t want = (uint8_t)(((first & PAIR_FIRST) && u <= base ? PAIR_SECOND : 0) |
                                     ((first & PAIR_FIRST_GAP) ? PAIR_SECOND_GAP : 0));
            if (!want) continue;
            const Token *tu = &self->tok[u];
            for (int32_t j = 0; j < tu->count; j++) {
                int32_t b = self->ids[tu->ids + j];
                uint8_t seen = self->pairs_of[b] & want;
                for (int gap = 0; gap <= 1 && seen; gap++) {
                    if (!(seen & (gap ? PAIR_SECOND_GAP : PAIR_SECOND))) continue;
                    Py_ssize_t s = slot(self, a, b, gap);
                    if (s < 0) continue;
                    for (int32_t q = self->slot_off[s]; q < self->slot_off[s + 1]; q++) {
                        int32_t p = self->pair_ids[q], fam = self->ph_family[p];
                        if (!self->done[fam] && rest(self, p, self->ph_off[p] + 2, u, ntok)) {
                            self->done[fam] = 1;
                            out[(size_t)fam * stride] = 1;
                        }
                    }
                }
            }
        }
    }
}

/* Matcher.scan(texts: list, rows=None) -> (matrix: bytearray families * len(texts), flags: bytearray
 * len(texts)), laid out as _textscan.Scanner.scan lays them out (rows: read only those texts, the same way). */
static PyObject *matcher_scan(Matcher *self, PyObject *args) {
    PyObject *texts, *rows = NULL;
    if (!PyArg_ParseTuple(args, "O!|O", &PyList_Type, &texts, &rows)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    size_t width = (size_t)self->families;
    RowSet rs;
    if (rowset_get(rows, n, &rs) < 0) return NULL;
    ScanOut o;
    if (scanout_new(&o, n, width, &rs) < 0) { rowset_release(&rs); return NULL; }
    PyObject *matrix = o.matrix, *marks = o.marks;
    unsigned char *out = o.out, *flag = o.flag;
    for (Py_ssize_t i = 0; i < rs.count; i++) {
        Py_ssize_t row = rowset_at(&rs, i);
        PyObject *t = PyList_GET_ITEM(texts, row);
        Py_ssize_t len;
        const char *data = scanout_ascii(t, &len);
        if (!data) { flag[row] = FLAG_UNDECIDED; continue; }
        Py_ssize_t ntok = tokenize(self, (const unsigned char *)data, len);
        if (ntok < 0) {
            Py_DECREF(matrix); Py_DECREF(marks); rowset_release(&rs);
            return PyErr_NoMemory();
        }
        memset(self->done, 0, width);
        for (Py_ssize_t k = 0; k < ntok; k++)
            if (self->tok[k].starts) begin(self, k, ntok, out + row, (size_t)n);
    }
    rowset_release(&rs);
    return Py_BuildValue("(NN)", matrix, marks);
}

static PyMethodDef matcher_methods[] = {
    {"scan", (PyCFunction)matcher_scan, METH_VARARGS, "scan(texts, rows=None) -> (matrix, flags)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject MatcherType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "leadsig.rules.matcher._phrasescan.Matcher",
    .tp_basicsize = sizeof(Matcher),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)matcher_init,
    .tp_dealloc = (destructor)matcher_dealloc,
    .tp_methods = matcher_methods,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_phrasescan", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__phrasescan(void) {
    for (int c = 0; c < 256; c++) CLASS[c] = OTHER;
    for (int c = 'a'; c <= 'z'; c++) CLASS[c] = (unsigned char)(c - 'a');
    for (int c = 'A'; c <= 'Z'; c++) CLASS[c] = (unsigned char)(c - 'A');
    for (int c = '0'; c <= '9'; c++) CLASS[c] = (unsigned char)(26 + c - '0');
    CLASS['_'] = UNDERSCORE;
    if (PyType_Ready(&MatcherType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&MatcherType);
    if (PyModule_AddObject(m, "Matcher", (PyObject *)&MatcherType) < 0) {
        Py_DECREF(&MatcherType); Py_DECREF(m);
        return NULL;
    }
    PyModule_AddIntConstant(m, "FLAG_UNDECIDED", FLAG_UNDECIDED);
    return m;
}
