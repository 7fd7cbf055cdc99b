using Microsoft.Data.Sqlite;
using SQLitePCL;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>HeldConnection takes the connection's own mutex: the holder's calls go on, another thread's wait for the release.</summary>
public sealed class HeldConnectionTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_holder_reads_rows_while_another_threads_call_waits_for_the_release()
    {
        await using var temp = TempDb.Create();
        await using var connection = new SqliteConnection(Db.ConnectionString(temp.Settings.Data.DatabasePath));
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 'Straße', 42 UNION ALL SELECT NULL, 43";
        var db = connection.Handle!;
        Other other;
        var read = new List<(string?, long)>();
        using (HeldConnection.Take(command))
        {
            // The mutex is recursive: the holder's own calls (each takes it again) go through.
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                {
                    var c = new SqliteColumns(reader);
                    read.Add((c.Text(0), c.Int64(1)));
                }
            other = Other.Run(db);
            // Not a measure of speed: the call cannot finish while the mutex is held, however long it is given.
            Assert.False(other.Done.Wait(TimeSpan.FromMilliseconds(300), Ct));
        }
        Assert.True(other.Done.Wait(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(raw.SQLITE_OK, other.Result);
        Assert.Equal([("Straße", 42L), (null, 43L)], read);
    }

    [Fact]
    public async Task Taken_and_released_many_times_the_connection_stays_usable_from_other_threads()
    {
        await using var temp = TempDb.Create();
        await using var connection = new SqliteConnection(Db.ConnectionString(temp.Settings.Data.DatabasePath));
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 7";
        for (var i = 0; i < 1000; i++)
            using (HeldConnection.Take(command))
                Assert.Equal(7L, (long)command.ExecuteScalar()!);
        var db = connection.Handle!;
        var other = Other.Run(db);
        Assert.True(other.Done.Wait(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(raw.SQLITE_OK, other.Result);
    }

    /// <summary>A statement run on the connection from a thread of its own (the holder must stay on its thread).</summary>
    sealed class Other
    {
        public readonly ManualResetEventSlim Done = new();
        public int Result = -1;

        public static Other Run(sqlite3 db)
        {
            var other = new Other();
            new Thread(() =>
            {
                other.Result = raw.sqlite3_exec(db, "SELECT 1");
                other.Done.Set();
            }) { IsBackground = true }.Start();
            return other;
        }
    }
}
