using System.Runtime.CompilerServices;
using Npgsql;

namespace Store.Data;

/// <summary>
/// Each instance's one listening connection on PostgreSQL: LISTENs on the channels of the <see cref="DbNotice"/>s and
/// calls them as notifications arrive. The connection is its own, outside the pool, named
/// <see cref="ApplicationName"/> so that an operator (or a test) can find it. When it drops it is made again, with
/// back-off, and once it listens again every notice is called, as what was sent meanwhile never comes. Only a
/// PostgreSQL store registers it (<see cref="PostgresListenerSetup.AddPostgresListener"/>): a SQLite store never
/// loads Npgsql.
/// </summary>
public sealed class PostgresListener(DbOptions options, IEnumerable<DbNotice> notices, ILogger<PostgresListener> log) : BackgroundService
{
    public const string ApplicationName = "store-listener";

    static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    /// <summary>A connection that went silent (a network cut sends no error) is found by a probe this long after its last word.</summary>
    static readonly TimeSpan Probe = TimeSpan.FromSeconds(10);

    readonly DbNotice[] _notices = notices.ToArray();

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (_notices.Length == 0) return;
        var connectionString = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString)
        {
            ApplicationName = ApplicationName,
            Pooling = false,
        }.ToString();
        var byChannel = _notices.GroupBy(n => n.Channel, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var retry = FirstRetry;
        var down = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) =>
                {
                    if (byChannel.TryGetValue(e.Channel, out var matching)) Call(matching);
                };
                await connection.OpenAsync(stop);
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = string.Concat(byChannel.Keys.Select(c => $"LISTEN \"{c}\";"));
                    await listen.ExecuteNonQueryAsync(stop);
                }
                if (down) log.LogWarning("Listening to the database's change notices again; waiters look again for what they may have missed");
                down = false;
                retry = FirstRetry;
                // After the LISTEN: whatever committed before it is read by whoever wakes now.
                Call(_notices);
                while (true)
                {
                    if (await connection.WaitAsync(Probe, stop)) continue;
                    await using var probe = connection.CreateCommand();
                    probe.CommandText = "SELECT 1";
                    await probe.ExecuteScalarAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                if (!down) log.LogWarning("Lost the database's change notices ({Error}); listening again in a moment", e.Message);
                down = true;
            }
            try { await Task.Delay(retry, stop); }
            catch (OperationCanceledException) { return; }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    void Call(IEnumerable<DbNotice> matching)
    {
        foreach (var notice in matching)
        {
            try { notice.Changed(); }
            catch (Exception e) { log.LogError(e, "Handling a change notice on {Channel} failed", notice.Channel); }
        }
    }
}

public static class PostgresListenerSetup
{
    /// <summary>Never inlined: the JIT would load Npgsql to look at the listener's type.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IServiceCollection AddPostgresListener(this IServiceCollection services) =>
        services.AddHostedService<PostgresListener>();
}
