using System.Data;
using Dapper;

namespace Store.Entities.Replace;

static class ReplaceEntitySql
{
    public static Task<long?> HolderOfHashAsync(IDbConnection db, IDbTransaction? tx, string hash, long exceptId) =>
        db.QuerySingleOrDefaultAsync<long?>("SELECT id FROM entities WHERE md5 = @hash AND id <> @exceptId", new { hash, exceptId }, tx);
}
