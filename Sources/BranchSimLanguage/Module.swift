/// BranchSimLanguage: see Package.swift for this module's role.
public enum BranchSimLanguageModule {}
