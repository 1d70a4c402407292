//! Ctrl-C as the AWS CLI answers it: a newline on stdout and exit code 130.
//!
//! The handler is installed only where an interruption can happen while the command waits (the
//! prompter reading a line, a request in flight), with one `sigaction` call; every other command
//! keeps the default disposition and pays nothing.

use crate::error::exit;

/// The SIGINT handler: only async-signal-safe calls (`write`, `_exit`).
extern "C" fn on_interrupt(_signal: libc::c_int) {
    // SAFETY: `write` and `_exit` are async-signal-safe; the buffer is a static byte.
    unsafe {
        libc::write(libc::STDOUT_FILENO, b"\n".as_ptr().cast(), 1);
        libc::_exit(libc::c_int::from(exit::INTERRUPTED));
    }
}

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
