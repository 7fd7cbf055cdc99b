using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Store.Data;
using Store.Entities.List;
using Store.Entities.Shared;
using Store.Tests.Infrastructure;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Store.Tests.Entities.Shared;

/// <summary>
/// A page's rows written straight to JSON (EntityRowsJson) give the bytes the entities read from the same rows
/// (EntityTable.Row) give through the serializer under the app's options, a page around them included: generated
/// rows in a table with the entities table's column types, with text that needs escaping, invalid UTF-8, and cells of
/// another type than their column's.
/// </summary>
public sealed class EntityRowsJsonTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string[] Pieces = ["a", "Beach", " ", "\"", "\\", "/", "<", ">", "&", "'", "+", "`", "~", "%", "\n", "\t", "\0", "\u001f", "\u007f", "é", "ß", "中", "😀", "\u2028", "\ufeff", "IMG_0001.jpg", "{}[]:,"];

    static readonly Gen<string?> Text = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (1, Gen.Const((string?)"")),
        (2, Gen.Int[0x20, 0x7e].Array[1, 40].Select(cs => (string?)new string(cs.Select(c => (char)c).ToArray()))),
        (6, Gen.Int[0, Pieces.Length - 1].Array[1, 12].Select(ix => (string?)string.Concat(ix.Select(i => Pieces[i])))));

    static readonly Gen<long?> Number = Gen.Frequency((1, Gen.Const((long?)null)), (3, Gen.Long.Select(v => (long?)v)));

    static readonly Gen<int?> Size = Gen.Frequency((1, Gen.Const((int?)null)), (3, Gen.Int.Select(v => (int?)v)));

    static readonly double[] Awkward = [0.0, -0.0, 0.1, 1e-7, 1e21, 1e300, 5e-324, 12.345678901234567, 3.0, double.MaxValue];

    static readonly Gen<double?> Duration = Gen.Frequency(
        (1, Gen.Const((double?)null)),
        (1, Gen.Int[0, Awkward.Length - 1].Select(i => (double?)Awkward[i])),
        (3, Gen.Double.Where(double.IsFinite).Select(v => (double?)v)));

    static readonly Gen<Entity> Entities =
        Gen.Select(Gen.Bool, Text, Text, Number, Gen.Long, Gen.Long, Gen.Bool)
            .SelectMany(a => Gen.Select(Number, Text, Text, Number, Size, Size, Duration, Text)
                .SelectMany(b => Gen.Select(Text, Text, Text, Text, Text).Select(c => new Entity
                {
                    IsCollection = a.Item1, Label = a.Item2, Description = a.Item3, ParentId = a.Item4,
                    AddedDate = a.Item5, UpdatedDate = a.Item6, IsDeleted = a.Item7,
                    CreateDate = b.Item1, AddedBy = b.Item2, UpdatedBy = b.Item3, FileSize = b.Item4, Height = b.Item5,
                    Width = b.Item6, Duration = b.Item7, MimeType = b.Item8,
                    Type = c.Item1, Extension = c.Item2, Md5 = c.Item3, FilePath = c.Item4, FileMd5 = c.Item5,
                })));

    /// <summary>Cells no write of the service makes, but a file edited by hand may hold.</summary>
    static readonly string[] Odd =
    [
        "UPDATE t SET label = 123 WHERE rowid = @row",
        "UPDATE t SET description = CAST(x'C328FF41' AS TEXT) WHERE rowid = @row",
        "UPDATE t SET md5 = x'00FF41' WHERE rowid = @row",
        "UPDATE t SET mime_type = 2.5 WHERE rowid = @row",
        "UPDATE t SET label = CAST(x'F09F9880' AS TEXT) WHERE rowid = @row",
    ];

    [Fact]
    public async Task Rows_are_written_as_the_serializer_writes_the_entities_read_from_them()
    {
        JsonSerializerOptions options;
        await using (var host = await StoreHost.StartAsync())
            options = host.App.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await using var temp = TempDb.Create();
        await using var connection = new SqliteConnection(Db.ConnectionString(temp.Settings.Data.DatabasePath));
        await connection.OpenAsync(Ct);
        // The entities table's column types (so its affinities), without its keys and triggers.
        await connection.ExecuteAsync("CREATE TABLE t AS SELECT * FROM entities WHERE 0");
        var insert = $"INSERT INTO t ({string.Join(", ", EntityTable.RowColumns)}) VALUES ({string.Join(", ", EntityTable.RowColumns.Select(Parameter))})";
        var select = $"SELECT {string.Join(", ", EntityTable.RowColumns)} FROM t ORDER BY rowid";

        Gen.Select(Entities.List[0, 30], Gen.Int[0, Odd.Length * 3].Array[0, 4]).Sample((entities, odd) =>
        {
            connection.Execute("DELETE FROM t");
            var id = 1L;
            foreach (var e in entities) connection.Execute(insert, e with { Id = id++ });
            foreach (var o in odd.Where(o => o < Odd.Length && entities.Count > 0))
                connection.Execute(Odd[o], new { row = 1 + o % entities.Count });

            var read = new List<Entity>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = select;
                using var reader = command.ExecuteReader();
                while (reader.Read()) read.Add(EntityTable.Row(reader));
            }
            using var rows = new EntityRowsJson(entities.Count, options.Encoder);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = select;
                using var reader = command.ExecuteReader();
                while (reader.Read()) rows.Add(reader);
            }
            Assert.Equal(read.Count, rows.Count);
            Assert.Equal(JsonSerializer.Serialize(read, options), Encoding.UTF8.GetString(rows.Json));

            var page = new EntityPage(read, new Pagination(2, 20, 45, 3, true, true));
            Assert.Equal(JsonSerializer.Serialize(page, options), Written(options, page with { Rows = rows }));
        }, iter: 400, threads: 1);
    }

    static string Parameter(string column) =>
        "@" + string.Concat(column.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    static string Written(JsonSerializerOptions options, EntityPage page)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented }))
            EntityPageJson.Write(writer, page);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
