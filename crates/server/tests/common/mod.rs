//! Helpers shared by the CLI test binaries: one finished run of the real binary and the
//! assertions on it. Each binary uses a subset.
#![allow(dead_code)]

use std::process::Output;

pub struct Run {
    pub what: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output, args: &[&str]) -> Run {
        Run {
            what: args.join(" "),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn assert_success(&self) {
        assert_eq!(self.code, Some(0), "`{}` failed\nstdout:\n{}\nstderr:\n{}", self.what, self.stdout, self.stderr);
    }

    /// Fails with a non-zero exit and says, on stderr, something containing every one of `words`.
    pub fn assert_failure_naming(&self, words: &[&str]) {
        assert!(
            self.code.is_some_and(|c| c != 0),
            "`{}` should have failed but exited {:?}\nstdout:\n{}",
            self.what,
            self.code,
            self.stdout
        );
        for word in words {
            assert!(self.stderr.contains(word), "`{}`: stderr does not mention {word:?}:\n{}", self.what, self.stderr);
        }
    }

    pub fn assert_config_error_naming(&self, words: &[&str]) {
        self.assert_failure_naming(words);
        assert_eq!(self.code, Some(2), "`{}`: configuration errors exit with 2\nstderr:\n{}", self.what, self.stderr);
        assert!(self.stderr.contains("configuration"), "{}", self.stderr);
    }
}
