//! `bulletin` with no arguments: help from a terminal, the 工作台 when double-clicked.
//!
//! On Windows, Explorer starts a console program with a console window of its own; a program
//! started from cmd.exe or PowerShell shares theirs. So a process alone on its console, with no
//! arguments, was double-clicked: it opens the 工作台 for the site `我的简报` in the folder next to
//! bulletin.exe (made there on first run, as `bulletin init` makes it), in the default browser,
//! and its window says that closing it stops the 工作台. Everywhere else, and from any terminal,
//! no arguments print the help as before.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

/// The site a double-clicked bulletin.exe opens, next to it.
pub const SITE_NAME: &str = "我的简报";

/// What a start with no arguments does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoArguments {
    /// Print the help (a terminal started it).
    Help,
    /// Open the 工作台 (double-clicked: the console is the program's own).
    Desk,
}

/// Decide from the number of command-line arguments (the program's name included) and how many
/// processes share the console (`None` where there is no such thing: not Windows, no console).
pub fn decide(args: usize, console_processes: Option<u32>) -> NoArguments {
    match (args, console_processes) {
        (1, Some(1)) => NoArguments::Desk,
        _ => NoArguments::Help,
    }
}

/// How many processes are attached to this process's console (Windows only).
#[cfg(windows)]
pub fn console_processes() -> Option<u32> {
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 8];
    // SAFETY: the buffer holds `ids.len()` process ids; the call writes at most that many and
    // returns how many processes there are (0 on failure, e.g. no console).
    let n = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    (n > 0).then_some(n)
}

#[cfg(not(windows))]
pub fn console_processes() -> Option<u32> {
    None
}

/// The folder of the running program.
fn exe_dir() -> Result<PathBuf, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("找不到 bulletin.exe 所在的文件夹：{e}"))?;
    exe.parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "找不到 bulletin.exe 所在的文件夹".to_string())
}

/// Open the 工作台 for the site next to the program; returns the exit code.
pub fn run() -> i32 {
    match serve_next_to_exe() {
        Ok(()) => super::OK,
        Err(e) => {
            eprintln!("出错了：{e}");
            // The window closes with the program: keep it open until the message is read.
            eprintln!("按回车键关闭这个窗口。");
            let _ = std::io::stdin().read_line(&mut String::new());
            super::FAILED
        }
    }
}

fn serve_next_to_exe() -> Result<(), String> {
    use bulletin::serve::{ServeOptions, serve};
    let site = exe_dir()?.join(SITE_NAME);
    if !site.join("site.yaml").exists() && !site.join("content").exists() {
        bulletin::init::init(&site).map_err(|e| format!("无法创建站点 {}：{e}", site.display()))?;
        eprintln!("已在 {} 创建新站点。", site.display());
    }
    eprintln!("工作台正在浏览器中打开；关闭这个窗口，工作台就会停止。");
    let opts = |port| ServeOptions {
        root: site.clone(),
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port,
        drafts: false,
        open: false,
        open_desk: true,
        poll: false,
    };
    // The usual port, or any free one when another program (or another 工作台) has it.
    match serve(opts(1111)) {
        Err(e) if e.contains("already in use") => serve(opts(0)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_program_alone_on_its_console_without_arguments_opens_the_desk() {
        let cases = [
            // Double-clicked in Explorer: its own console.
            ((1, Some(1)), NoArguments::Desk),
            // From cmd.exe or PowerShell: the shell shares the console.
            ((1, Some(2)), NoArguments::Help),
            ((1, Some(3)), NoArguments::Help),
            // Not Windows, or no console at all (started by a service).
            ((1, None), NoArguments::Help),
            ((1, Some(0)), NoArguments::Help),
            // Arguments always mean the command line (`bulletin --help` double-clicked by a
            // shortcut is still the help).
            ((2, Some(1)), NoArguments::Help),
        ];
        for ((args, procs), want) in cases {
            assert_eq!(
                decide(args, procs),
                want,
                "{args} arguments, {procs:?} processes"
            );
        }
    }
}
