using System.Data.Common;
using Npgsql;

namespace Store.Data;

/// <summary>
/// The PostgreSQL side of <see cref="Db"/>: one Npgsql data source (its pool) for the service's life. Only a store
/// configured with a postgres:// DATABASE_URL creates one, so the Npgsql assembly is loaded by nothing else.
/// </summary>
sealed class PostgresConnections(string connectionString) : IConnections
{
    readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public int PoolSize { get; } = new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    public void Dispose() => _source.Dispose();
}

/// <summary>A source of open connections other than SQLite's own (which <see cref="Db"/> opens itself).</summary>
interface IConnections : IDisposable, IAsyncDisposable
{
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>How many connections the pool hands out at most; an open beyond them waits for one to come back.</summary>
    int PoolSize { get; }
}
