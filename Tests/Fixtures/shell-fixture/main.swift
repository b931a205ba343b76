// A test-only executable: the real `Shell` over the scripted backend, for the tmux tests.
import BranchSimShell
import Foundation
import ShellTestSupport

let shell = Shell(backend: ScriptedBackend(), options: ShellOptions())
exit(shell.run())
