using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;

namespace Store.Entities.Shared;

/// <summary>
/// The entities table as C# writes and reads it whole: its columns named once, with the <see cref="Entity"/> property
/// each binds to, and the statements built from them. The history trigger (sql/0002, sql/0005) is the only other
/// list, in SQL; a new column goes into the migration, the trigger and here.
/// </summary>
public static class EntityTable
{
    /// <summary>What the client's form sets on create and replace.</summary>
    public static readonly Column[] Fields = [new("label", nameof(Entity.Label), e => e.Label),
        new("description", nameof(Entity.Description), e => e.Description), new("parent_id", nameof(Entity.ParentId), e => e.ParentId)];

    /// <summary>Set once, by the create.</summary>
    public static readonly Column[] Origin = [new("is_collection", nameof(Entity.IsCollection), e => e.IsCollection, Flag: true),
        new("added_date", nameof(Entity.AddedDate), e => e.AddedDate), new("added_by", nameof(Entity.AddedBy), e => e.AddedBy),
        new("is_deleted", nameof(Entity.IsDeleted), e => e.IsDeleted, Flag: true)];

    /// <summary>Who changed it last, and when.</summary>
    public static readonly Column[] Stamp = [new("updated_date", nameof(Entity.UpdatedDate), e => e.UpdatedDate),
        new("updated_by", nameof(Entity.UpdatedBy), e => e.UpdatedBy)];

    /// <summary>What the stored file decides (<see cref="Entity.WithMedia"/>); a collection keeps them null, bar create_date.</summary>
    public static readonly Column[] Media = [new("create_date", nameof(Entity.CreateDate), e => e.CreateDate),
        new("file_size", nameof(Entity.FileSize), e => e.FileSize), new("height", nameof(Entity.Height), e => e.Height),
        new("width", nameof(Entity.Width), e => e.Width), new("duration", nameof(Entity.Duration), e => e.Duration),
        new("mime_type", nameof(Entity.MimeType), e => e.MimeType), new("type", nameof(Entity.Type), e => e.Type),
        new("extension", nameof(Entity.Extension), e => e.Extension), new("md5", nameof(Entity.Md5), e => e.Md5),
        new("file_path", nameof(Entity.FilePath), e => e.FilePath), new("file_md5", nameof(Entity.FileMd5), e => e.FileMd5)];

    public static readonly Column IsDeleted = Origin[3];

    /// <summary>The columns <see cref="Row"/> reads, in its order: what SELECT * gives, named so the order is fixed.</summary>
    public static readonly string[] RowColumns = ["id", "is_collection", "label", "description", "parent_id", "added_date",
        "updated_date", "is_deleted", "create_date", "added_by", "updated_by", "file_size", "height", "width", "duration",
        "mime_type", "type", "extension", "md5", "file_path", "file_md5"];

    static readonly Column[] All = [.. Origin, .. Fields, .. Stamp, .. Media];

    /// <summary>Returns <see cref="RowColumns"/>, in their order, for <see cref="Row"/> (Dapper, off the write batch, maps them by name).</summary>
    static readonly string InsertSqlite =
        $"INSERT INTO entities ({string.Join(", ", All.Select(c => c.Name))}) " +
        $"VALUES ({string.Join(", ", All.Select(c => c.Value(DbKind.Sqlite)))}) RETURNING {string.Join(", ", RowColumns)}";

    /// <summary>
    /// Two uploads of the same content settle on one row here, in the database: the loser inserts nothing and
    /// answers no row (md5 is unique; a collection's is null and never conflicts).
    /// </summary>
    static readonly string InsertPostgres =
        $"INSERT INTO entities ({string.Join(", ", All.Select(c => c.Name))}) " +
        $"VALUES ({string.Join(", ", All.Select(c => c.Value(DbKind.Postgres)))}) ON CONFLICT (md5) DO NOTHING RETURNING *";

    static readonly string LockSqlite = "SELECT * FROM entities WHERE id = @id";
    /// <summary>NO KEY UPDATE: children may still be created under it meanwhile (their FOR KEY SHARE), a second writer waits.</summary>
    static readonly string LockPostgres = "SELECT * FROM entities WHERE id = @id FOR NO KEY UPDATE";

    /// <summary>SQLite's write lock already covers it; on PostgreSQL uploads of one content take their turns from here to the commit.</summary>
    static readonly string HoldHashPostgres = "SELECT pg_advisory_xact_lock(hashtextextended(@hash, 0))";

    /// <summary><see cref="RowColumns"/> of the table under this alias, for a SELECT list.</summary>
    public static string RowColumnsOf(string alias) => string.Join(", ", RowColumns.Select(c => $"{alias}.{c}"));

    static readonly string ReadByIdSql = $"SELECT {string.Join(", ", RowColumns)} FROM entities WHERE id = @id";

    /// <summary>
    /// One row of <see cref="RowColumns"/> on SQLite, mapped by hand as Dapper maps SELECT * onto an Entity (0/1 as
    /// bool, NULL as null), through SQLite's own column calls (<see cref="SqliteColumns"/>): Dapper looks its mapper up
    /// by a hash of the reader's column names and types at every query, and each of Microsoft.Data.Sqlite's typed
    /// getters asks the column's type again, which showed in the profiles of the hot reads. The NOT NULL columns
    /// (sql/0001) are read without asking for NULL.
    /// </summary>
    public static Entity Row(SqliteDataReader reader)
    {
        var c = new SqliteColumns(reader);
        return new Entity
        {
            Id = c.Int64(0),
            IsCollection = c.Flag(1),
            Label = c.Text(2),
            Description = c.Text(3),
            ParentId = c.NullableInt64(4),
            AddedDate = c.Int64(5),
            UpdatedDate = c.Int64(6),
            IsDeleted = c.Flag(7),
            CreateDate = c.NullableInt64(8),
            AddedBy = c.Text(9),
            UpdatedBy = c.Text(10),
            FileSize = c.NullableInt64(11),
            Height = c.NullableInt64(12) is { } height ? checked((int)height) : null,
            Width = c.NullableInt64(13) is { } width ? checked((int)width) : null,
            Duration = c.NullableDouble(14),
            MimeType = c.Text(15),
            Type = c.Text(16),
            Extension = c.Text(17),
            Md5 = c.Text(18),
            FilePath = c.Text(19),
            FileMd5 = c.Text(20),
        };
    }

    /// <summary>
    /// The entity for a read request (GET /entities/{id}): on SQLite by the connection's prepared statement and
    /// <see cref="Row"/>, on PostgreSQL as <see cref="ByIdAsync"/>.
    /// </summary>
    public static async Task<Entity?> ReadByIdAsync(ReadConnection read, long id)
    {
        if (read.Prepared(ReadByIdSql) is not { } command) return await ByIdAsync(read.Connection, id);
        command.Parameters.AddWithValue("@id", id);
        using var held = HeldConnection.Take(command);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Row(reader) : null;
    }

    public static Task<Entity?> ByIdAsync(IDbConnection db, long id, IDbTransaction? tx = null) =>
        db.QuerySingleOrDefaultAsync<Entity>("SELECT * FROM entities WHERE id = @id", new { id }, tx);

    /// <summary>The entity holding this content hash (md5 is unique); duplicate detection asks under the write lock.</summary>
    public static Task<Entity?> ByHashAsync(IDbConnection db, string hash, IDbTransaction? tx = null) =>
        db.QuerySingleOrDefaultAsync<Entity>("SELECT * FROM entities WHERE md5 = @hash", new { hash }, tx);

    /// <summary>The row read for a write: on PostgreSQL locked until the commit, so that two writers of it take turns.</summary>
    public static Task<Entity?> ForWriteAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.QuerySingleOrDefaultAsync<Entity>(db.Pick(LockSqlite, LockPostgres), new { id }, tx);

    /// <summary>Holds the content hash for the rest of the transaction: the duplicate check, the file's placing and the insert see no other upload of it.</summary>
    public static async Task HoldHashAsync(IDbConnection db, IDbTransaction tx, string hash)
    {
        if (db.Kind() == DbKind.Postgres) await db.ExecuteAsync(HoldHashPostgres, new { hash }, tx);
    }

    /// <summary>The new row; null only on PostgreSQL, when another transaction committed the same content hash first.</summary>
    public static Task<Entity?> InsertAsync(IDbConnection db, IDbTransaction tx, Entity entity) =>
        KeptStatements.On(db) is { } kept
            ? Task.FromResult(KeptRow(kept.Command(InsertSqlite, tx), entity, All))
            : db.QuerySingleOrDefaultAsync<Entity>(db.Pick(InsertSqlite, InsertPostgres), entity, tx);

    /// <summary>Writes <paramref name="columns"/> of <paramref name="entity"/> to its row; answers the row as it now is.</summary>
    public static async Task<Entity> UpdateAsync(IDbConnection db, IDbTransaction tx, Entity entity, params IEnumerable<Column> columns)
    {
        var set = columns.ToList();
        var kind = db.Kind();
        var returning = kind == DbKind.Sqlite ? string.Join(", ", RowColumns) : "*";
        var sql = $"UPDATE entities SET {string.Join(", ", set.Select(c => $"{c.Name} = {c.Value(kind)}"))} WHERE id = @Id RETURNING {returning}";
        return KeptStatements.On(db) is { } kept
            ? KeptRow(kept.Command(sql, tx), entity, [.. set, IdColumn])!
            : await db.QuerySingleAsync<Entity>(sql, entity, tx);
    }

    static readonly Column IdColumn = new("id", nameof(Entity.Id), e => e.Id);

    /// <summary>A kept statement (SQLite, the write batch's connection) bound from <paramref name="entity"/>, its row read by <see cref="Row"/>.</summary>
    static Entity? KeptRow(SqliteCommand command, Entity entity, IEnumerable<Column> columns)
    {
        foreach (var column in columns) command.Parameters.AddWithValue("@" + column.Property, column.Get(entity) ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Row(reader) : null;
    }

    /// <summary>
    /// A column, the <see cref="Entity"/> property Dapper binds it to, and that property's value for the write batch,
    /// which binds its kept statements itself. A <paramref name="Flag"/> is a 0/1 integer column bound from a bool:
    /// SQLite stores the bool as 0/1 itself, PostgreSQL needs the cast.
    /// </summary>
    public sealed record Column(string Name, string Property, Func<Entity, object?> Get, bool Flag = false)
    {
        public string Value(DbKind kind) => Flag && kind == DbKind.Postgres ? $"@{Property}::int" : "@" + Property;
    }
}
