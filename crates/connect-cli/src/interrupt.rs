//! Ctrl-C as the AWS CLI answers it: a newline on stdout and exit code 130.
//!
//! The handler is installed only where an interruption can happen while the command waits (the
//! prompter reading a line, a request in flight), with one `sigaction` call; every other command
//! keeps the default disposition and pays nothing. On Windows it is the C runtime's `signal`, as
//! Python uses there: a console's Ctrl-C runs the handler on a thread of its own.

use crate::error::exit;

/// File descriptor 1 (`STDOUT_FILENO`, which the libc crate does not define for Windows).
const STDOUT: libc::c_int = 1;

/// The SIGINT handler: only async-signal-safe calls (`write`, `_exit`).
extern "C" fn on_interrupt(_signal: libc::c_int) {
    // SAFETY: `write` and `_exit` are async-signal-safe; the buffer is a static byte.
    unsafe {
        libc::write(STDOUT, b"\n".as_ptr().cast(), 1);
        libc::_exit(libc::c_int::from(exit::INTERRUPTED));
    }
}

#[cfg(windows)]
fn set_handler(handler: libc::sighandler_t) {
    // SAFETY: the handler is either SIG_IGN or one of this module's handlers, which only make
    // calls the C runtime allows in a signal handler.
    unsafe {
        libc::signal(libc::SIGINT, handler);
    }
}

#[cfg(not(windows))]
fn set_handler(handler: libc::sighandler_t) {
    // SAFETY: a zeroed `sigaction` is a valid value (empty mask, no flags); the handler is either
    // SIG_IGN or `on_interrupt`, which only makes async-signal-safe calls.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

/// From now on, Ctrl-C ends the process the AWS CLI's way: `\n` on stdout, exit code 130.
pub fn exit_on_interrupt() {
    let handler: extern "C" fn(libc::c_int) = on_interrupt;
    set_handler(handler as libc::sighandler_t);
}

/// From now on, Ctrl-C is ignored (while a pager, which handles it itself, owns the terminal).
pub fn ignore_interrupt() {
    set_handler(libc::SIG_IGN);
}

/// Set by [`flag_on_interrupt`]'s handler.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The flag handler: one atomic store (async-signal-safe).
extern "C" fn on_interrupt_flag(_signal: libc::c_int) {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    // The C runtime's `signal` resets the disposition after each delivery: re-arm.
    #[cfg(windows)]
    set_handler(on_interrupt_flag as extern "C" fn(libc::c_int) as libc::sighandler_t);
}

/// From now on, Ctrl-C only sets a flag (for commands that finish what is in flight before they
/// stop, like a bulk run); returns the flag.
pub fn flag_on_interrupt() -> &'static std::sync::atomic::AtomicBool {
    let handler: extern "C" fn(libc::c_int) = on_interrupt_flag;
    set_handler(handler as libc::sighandler_t);
    &INTERRUPTED
}
