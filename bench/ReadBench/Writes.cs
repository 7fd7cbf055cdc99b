using System.Globalization;
using Microsoft.Data.Sqlite;
using Store.Data;

namespace ReadBench;

/// <summary>
/// What the kept search counts of sql/0013 cost a write: the CPU time of inserting collections and changing their
/// labels through all of the service's triggers, with search_counts empty and with 64 rows (the most the service
/// keeps), alternated, in transactions that are rolled back (no fsync in the figure, and the library unchanged).
/// </summary>
static class Writes
{
    public static int Run(string dbPath, int count)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
        connection.Open();
        Db.Prepare(connection);
        var random = new Random(10);
        string Label() => random.Next(2) == 0
            ? $"IMG_{random.Next(10_000):D4}.jpg"
            : $"{Pick(random)} {Pick(random)} {Pick(random)}";
        Console.WriteLine($"{"kept rows",9} {"insert µs",10} {"label change µs",16}  (median of 5 rounds of {count}, CPU time)");
        foreach (var kept in new[] { 0, 64 })
        {
            var inserts = new List<double>();
            var changes = new List<double>();
            for (var round = 0; round < 5; round++)
            {
                using var transaction = connection.BeginTransaction();
                Execute(transaction, "DELETE FROM search_counts");
                // Queries of one and two words, as a store is asked them (img_ first: it is in half of the labels).
                for (var i = 0; i < kept; i++)
                {
                    var words = i == 0 ? "'img_', NULL" : $"'{Pick(random)}', 'x{i}'";
                    Execute(transaction, $"INSERT INTO search_counts (words, w1, w2, live, deleted, asked) VALUES (json_array({words.Replace(", NULL", "")}), {words}, 0, 0, {i + 1})");
                }
                var ids = new List<long>();
                var started = Environment.CpuUsage.TotalTime;
                for (var i = 0; i < count; i++)
                    ids.Add(Scalar(transaction, "INSERT INTO entities (is_collection, label, description, added_date, updated_date) VALUES (1, $l, $d, 1, 1) RETURNING id", Label(), Label()));
                var inserted = Environment.CpuUsage.TotalTime;
                foreach (var id in ids) Scalar(transaction, "UPDATE entities SET label = $l WHERE id = $d RETURNING id", Label(), id);
                var changed = Environment.CpuUsage.TotalTime;
                transaction.Rollback();
                inserts.Add((inserted - started).TotalMicroseconds / count);
                changes.Add((changed - inserted).TotalMicroseconds / count);
            }
            Console.WriteLine($"{kept,9} {Median(inserts),10:0} {Median(changes),16:0}");
        }
        return 0;
    }

    static readonly string[] Words = ["beach", "sunset", "family", "garden", "lake", "night", "party", "snow", "été", "Straße", "harbour", "soup"];

    static string Pick(Random random) => Words[random.Next(Words.Length)];

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    static void Execute(SqliteTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    static long Scalar(SqliteTransaction transaction, string sql, object l, object d)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$l", l);
        command.Parameters.AddWithValue("$d", d);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
