namespace Store.Data;

/// <summary>What the data module needs from the host: where the database file is.</summary>
public sealed record DbOptions(string DatabasePath);
