using Microsoft.Data.Sqlite;
using Store.Data;

namespace ReadBench;

/// <summary>
/// What each group of triggers costs a committed collection create: copies of the database with one group dropped
/// each, n inserts each in its own transaction (as the service commits a create), the process's CPU time per insert.
/// synchronous=OFF, so the figure is the work, not the disk's flush; the copies are removed afterwards.
/// </summary>
static class Commits
{
    static readonly (string Name, string[] Prefixes)[] Variants =
    [
        ("every trigger", []),
        ("without search index", ["entities_search_", "search_terms_"]),
        ("without day counts", ["entities_count_day_"]),
        ("without counts", ["entities_count_insert", "entities_count_update", "entities_count_delete", "entity_versions_count_", "entities_version_count_"]),
        ("without history", ["entities_history_"]),
        ("no triggers", ["entities_", "entity_", "search_terms_"]),
    ];

    public static int Run(string dbPath, int count)
    {
        Console.WriteLine($"{"variant",-24} {"µs an insert",13} {"prepared once",14}  (median of 3 rounds of {count} committed inserts, CPU time)");
        foreach (var (name, prefixes) in Variants)
        {
            var fresh = Measure(dbPath, count, prefixes, reuse: false);
            var reused = Measure(dbPath, count, prefixes, reuse: true);
            Console.WriteLine($"{name,-24} {fresh,13:0} {reused,14:0}");
        }
        return 0;
    }

    /// <summary>
    /// A new command each insert (SQLite prepares the statement, and compiles every trigger it fires, each time), or one
    /// command kept across the inserts (prepared once).
    /// </summary>
    static double Measure(string dbPath, int count, string[] prefixes, bool reuse)
    {
        {
            var copy = Path.Combine(Path.GetTempPath(), $"commits-{Guid.NewGuid():N}.db");
            File.Copy(dbPath, copy);
            try
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
                connection.Open();
                Db.Prepare(connection);
                Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
                var triggers = new List<string>();
                using (var list = connection.CreateCommand())
                {
                    list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
                    using var reader = list.ExecuteReader();
                    while (reader.Read()) triggers.Add(reader.GetString(0));
                }
                foreach (var trigger in triggers.Where(t => prefixes.Any(t.StartsWith)))
                    Execute(connection, $"DROP TRIGGER {trigger}");
                var rounds = new List<double>();
                var random = new Random(11);
                SqliteCommand? kept = null;
                for (var round = 0; round < 3; round++)
                {
                    var started = Environment.CpuUsage.TotalTime;
                    for (var i = 0; i < count; i++)
                    {
                        using var transaction = connection.BeginTransaction(deferred: false);
                        var command = reuse && kept is not null ? kept : connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText = "INSERT INTO entities (is_collection, label, added_date, updated_date, create_date) VALUES (1, $l, $t, $t, $t)";
                        command.Parameters.Clear();
                        command.Parameters.AddWithValue("$l", $"bench collection {random.Next(1000)}");
                        command.Parameters.AddWithValue("$t", 1_764_000_000_000L + i);
                        command.ExecuteNonQuery();
                        transaction.Commit();
                        if (reuse) kept = command;
                        else command.Dispose();
                    }
                    rounds.Add((Environment.CpuUsage.TotalTime - started).TotalMicroseconds / count);
                }
                kept?.Dispose();
                return rounds.Order().ElementAt(1);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                foreach (var file in new[] { copy, copy + "-wal", copy + "-shm" }) File.Delete(file);
            }
        }
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
