using System.Data;
using Dapper;

namespace Store.Compute.Queue;

/// <summary>Reads of the jobs table that several slices and the queue share.</summary>
public static class JobSql
{
    public static Task<JobRow?> GetAsync(IDbConnection connection, IDbTransaction? tx, string jobId) =>
        connection.QuerySingleOrDefaultAsync<JobRow>("SELECT * FROM jobs WHERE job_id = @jobId", new { jobId }, tx);

    public static Task<long> CountAsync(IDbConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT count(*) FROM jobs");
}
