#ifndef BRANCHSIM_CLIBEDIT_SHIM_H
#define BRANCHSIM_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

// el_set, el_get and history are C variadic functions, which Swift cannot call.
// These fixed-signature wrappers are what BranchSimShell's LineEditor uses.

typedef char *(*bs_prompt_fn)(EditLine *);
typedef unsigned char (*bs_key_fn)(EditLine *, int);

static inline int bs_el_set_prompt(EditLine *el, bs_prompt_fn fn, char ignore) {
    return el_set(el, EL_PROMPT_ESC, fn, ignore);
}
static inline int bs_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int bs_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int bs_el_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int bs_el_addfn(EditLine *el, const char *name, const char *help, bs_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int bs_el_bind(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, key, fn, NULL);
}
/// Binds in vi's command mode (`bind -a`).
static inline int bs_el_bind_vi_command(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, "-a", key, fn, NULL);
}
/// 1 when the editor is in vi mode (the person's ~/.editrc may say `bind -v`), else 0.
static inline int bs_el_is_vi(EditLine *el) {
    const char *mode = NULL;
    if (el_get(el, EL_EDITOR, &mode) != 0 || mode == NULL) return 0;
    return mode[0] == 'v';
}
/// Keyboard signals off while editing (so ^C reaches the editor as a key); the
/// terminal's own setting is restored whenever el_gets returns.
static inline int bs_el_setty_noisig(EditLine *el) { return el_set(el, EL_SETTY, "-d", "-isig", NULL); }
static inline int bs_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *bs_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}
static inline int bs_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }

static inline int bs_history_setsize(History *h, int n) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, n);
}
static inline int bs_history_setunique(History *h, int on) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, on);
}
static inline int bs_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int bs_history_clear(History *h) {
    HistEvent ev;
    return history(h, &ev, H_CLEAR);
}
// The C standard streams, as functions (Swift 6 treats the C globals as shared mutable state).
static inline FILE *bs_stdin(void) { return stdin; }
static inline FILE *bs_stdout(void) { return stdout; }
static inline FILE *bs_stderr(void) { return stderr; }
static inline void bs_flush_stdout(void) { fflush(stdout); }
static inline void bs_write_stdout(const char *text) { fputs(text, stdout); fflush(stdout); }

/// The width of the terminal on `fd`, or 0 when it is not a terminal.
static inline int bs_terminal_columns(int fd) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
    return (int)ws.ws_col;
}
#endif
