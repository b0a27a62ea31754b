// LeakSanitizer suppressions for builds with -DTRIBUTARY_SANITIZE=address.
//
// CPython keeps interned strings, type objects and arena blocks alive until
// the process exits, even after Py_FinalizeEx (documented in "Bugs and
// caveats" of the Python C API's initialization page). LeakSanitizer reports
// them as leaks inside libpython. They are not ours to free, so every
// executable that links the embedded runtime compiles this function in (it is
// an INTERFACE source of tributary_python); leaks in our own code still fail.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpython3\n"; }
