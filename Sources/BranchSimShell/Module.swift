/// BranchSimShell: see Package.swift for this module's role.
public enum BranchSimShellModule {}
