using System.Data.Common;
using Dapper;

namespace Store.Data;

/// <summary>
/// Which instance runs the sweeps that must run once for the whole store (lapsed leases, silent workers, the job
/// retention, the preview and MD5 backfills, the MQTT lapse watch), and when a sweep with a cadence of its own is due.
/// On SQLite there is one instance: it always leads, and the cadence is kept in memory. On PostgreSQL the leader is
/// the instance holding a session advisory lock on a connection of its own; the others ask again at each tick, and
/// when the leader's connection drops (or it stops) the lock is free for the next to ask. A run with a cadence is
/// claimed in the <c>sweeps</c> table (sql/postgres/0006), so a new leader does not repeat what the last one did
/// within the interval. A service that stops gives the lead up at once (before it is disposed, which may be later).
/// </summary>
public sealed class Sweeps(Db db, TimeProvider clock, ILogger<Sweeps> log) : IHostedService, IDisposable, IAsyncDisposable
{
    /// <summary>The advisory lock's key: any fixed number no other lock of the store uses (those hash a content hash or are Hierarchy's).</summary>
    const long LeadKey = 5_118_006_244_771_540_001;

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);
    DbConnection? _held;
    bool _stopped;

    /// <summary>Whether this instance runs the shared sweeps now; on PostgreSQL it takes the lead when no one holds it.</summary>
    public async Task<bool> LeadAsync(CancellationToken ct)
    {
        if (db.Kind == DbKind.Sqlite) return true;
        await _gate.WaitAsync(ct);
        try
        {
            if (_stopped) return false;
            if (_held is not null)
            {
                try
                {
                    await _held.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
                    return true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The server ended the session, and with it the lock: another instance may hold it by now.
                    log.LogWarning("Lost the lead of the shared sweeps ({Error})", e.Message);
                    await _held.DisposeAsync();
                    _held = null;
                }
            }
            var connection = await db.OpenAsync(ct);
            try
            {
                if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@LeadKey)", new { LeadKey }, cancellationToken: ct)))
                {
                    _held = connection;
                    log.LogInformation("This instance now leads the shared sweeps");
                    return true;
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            await connection.DisposeAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Claims a run of the sweep <paramref name="name"/> when its last one began at least <paramref name="every"/> ago
    /// (or never); the caller then runs it. A run that fails waits for the next interval, as the claim is made first.
    /// </summary>
    public async Task<bool> DueAsync(string name, TimeSpan every, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (db.Kind == DbKind.Sqlite)
        {
            lock (_next)
            {
                if (_next.TryGetValue(name, out var next) && now < next) return false;
                _next[name] = now + every;
                return true;
            }
        }
        await using var connection = await db.OpenAsync(ct);
        // One statement: two claims at once queue on the row, and the second finds it no longer due.
        var runs = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO sweeps (name, ran_at, runs) VALUES (@name, @now, 1)
            ON CONFLICT (name) DO UPDATE SET ran_at = excluded.ran_at, runs = sweeps.runs + 1 WHERE sweeps.ran_at <= @due
            RETURNING runs
            """, new { name, now = now.ToUnixTimeMilliseconds(), due = (now - every).ToUnixTimeMilliseconds() }, cancellationToken: ct));
        return runs is not null;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Gives the lead up as the service stops, so that another instance takes it at its next tick.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopped = true;
            await ReleaseAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task ReleaseAsync()
    {
        if (_held is null) return;
        // Unlocked before the connection goes back to the pool, where the session (and its lock) would live on.
        try { await _held.ExecuteAsync("SELECT pg_advisory_unlock(@LeadKey)", new { LeadKey }); }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException) { }
        await _held.DisposeAsync();
        _held = null;
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        _gate.Dispose();
    }

    public void Dispose()
    {
        if (_held is not null)
        {
            try { _held.Execute("SELECT pg_advisory_unlock(@LeadKey)", new { LeadKey }); }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException) { }
            _held.Dispose();
            _held = null;
        }
        _gate.Dispose();
    }
}
