using Dapper;
using Store.Data;

namespace Store.Entities.List;

/// <summary>
/// On PostgreSQL the list counters are kept in a row per writing backend (sql/postgres/0007), so each connection the
/// pool has ever opened and closed leaves a few rows behind, and a total sums more rows with every one. This folds the
/// rows of backends that are gone into slot 0 at start and every few minutes, so a total sums a few rows per live
/// connection. Of several instances on one database only the one leading the shared sweeps folds (<see cref="Sweeps"/>).
/// A SQLite store never registers it: its single writer keeps one row per page kind.
/// </summary>
public sealed class EntityCountFolding(Db db, Sweeps sweeps, TimeProvider clock, ILogger<EntityCountFolding> log) : BackgroundService
{
    static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                if (!await sweeps.LeadAsync(stoppingToken)) continue;
                await using var connection = await db.OpenAsync(stoppingToken);
                await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT entity_counts_fold()", cancellationToken: stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Folding the list counters failed; trying again in {Minutes} minutes", Every.TotalMinutes);
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
