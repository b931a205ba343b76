/// BranchSimReports: see Package.swift for this module's role.
public enum BranchSimReportsModule {}
