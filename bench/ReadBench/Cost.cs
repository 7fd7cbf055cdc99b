using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ReadBench;

/// <summary>
/// bench/sql-cost's statements on the SQLite the service bundles (Microsoft.Data.Sqlite's), which is not the
/// Python module's: the same request's statements, the same medians, the CPU time of this process (getrusage, in
/// microseconds; the one thread here does the work, warm-ups first so the JIT is done).
/// </summary>
static class Cost
{
    /// <summary><paramref name="setup"/>: statements run first on the connection (a PRAGMA the service would set, to compare).</summary>
    public static int Run(string dbPath, string statementsPath, IReadOnlyList<string> setup)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        foreach (var sql in setup)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            Console.WriteLine($"{sql}: {command.ExecuteScalar()}");
        }
        using (var version = connection.CreateCommand())
        {
            version.CommandText = "SELECT sqlite_version()";
            Console.WriteLine($"{"request",-30} {"statements ms",14} {"total ms",9}  (SQLite {version.ExecuteScalar()}, the service's, {dbPath})");
        }
        foreach (var line in File.ReadLines(statementsPath))
        {
            var parts = line.Split('\t');
            var times = parts.Skip(1).Select(sql => Median(connection, sql)).ToList();
            Console.WriteLine($"{parts[0],-30} {string.Join(" + ", times.Select(t => t.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))),14} {times.Sum(),9:0.00}");
        }
        return 0;
    }

    static double Median(SqliteConnection connection, string sql)
    {
        var runs = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var started = Environment.CpuUsage.TotalTime;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                using var reader = command.ExecuteReader();
                while (reader.Read()) for (var c = 0; c < reader.FieldCount; c++) _ = reader.GetValue(c);
            }
            if (i >= 2) runs.Add((Environment.CpuUsage.TotalTime - started).TotalMilliseconds);
        }
        runs.Sort();
        Debug.Assert(runs.Count == 7);
        return runs[runs.Count / 2];
    }
}
