using Dapper;
using Store.Data;

namespace Store.Auth;

/// <summary>The read-auth setting as served by GET /admin/config: times and who changed it are null until it was set at runtime.</summary>
public sealed record ReadAuthState(bool ReadAuthEnabled, long? UpdatedAt, string? UpdatedBy);

/// <summary>
/// Whether entity reads need a token. The value stored in the database (set through
/// PUT /admin/config/read-auth) wins once it exists; before that READ_AUTH_ENABLED decides.
/// Every request under an EntityRead rule asks. On SQLite the value is held in memory: it is loaded once and
/// replaced on every change, which only this service makes. On PostgreSQL several instances may serve one store and
/// a change made through one must hold on the others at once, that is for any request sent after the change was
/// answered: a notification from the database would arrive some time after that answer (the two race), so there
/// every request reads the row (one primary-key lookup; README, "Several instances").
/// </summary>
public sealed class ReadAuthSwitch(Db db, AuthOptions options, TimeProvider clock)
{
    const string Key = "read_auth_enabled";

    readonly SemaphoreSlim _gate = new(1, 1);
    volatile ReadAuthState? _current;

    public async ValueTask<ReadAuthState> CurrentAsync(CancellationToken ct = default)
    {
        if (db.Kind == DbKind.Postgres) return await ReadAsync(ct);
        if (_current is { } current) return current;
        await _gate.WaitAsync(ct);
        try
        {
            return _current ??= await ReadAsync(ct);
        }
        finally { _gate.Release(); }
    }

    async Task<ReadAuthState> ReadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT value AS Value, updated_at AS UpdatedAt, updated_by AS UpdatedBy FROM settings WHERE key = @Key", new { Key }, cancellationToken: ct));
        return row is null
            ? new ReadAuthState(options.ReadAuthEnabled, null, null)
            : new ReadAuthState(row.Value == "true", row.UpdatedAt, row.UpdatedBy);
    }

    public async ValueTask<bool> EnabledAsync(CancellationToken ct = default) => (await CurrentAsync(ct)).ReadAuthEnabled;

    public async Task<ReadAuthState> SetAsync(bool enabled, string? updatedBy, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var state = new ReadAuthState(enabled, clock.GetUtcNow().ToUnixTimeMilliseconds(), updatedBy);
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteAsync(
                """
                INSERT INTO settings (key, value, updated_at, updated_by) VALUES (@Key, @Value, @UpdatedAt, @UpdatedBy)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """,
                new { Key, Value = enabled ? "true" : "false", state.UpdatedAt, state.UpdatedBy });
            return _current = state;
        }
        finally { _gate.Release(); }
    }

    sealed record Row(string Value, long UpdatedAt, string? UpdatedBy);
}
