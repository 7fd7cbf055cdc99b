using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Store.Entities.List;
using Store.Entities.Shared;
using Store.Tests.Infrastructure;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Store.Tests.Entities.Shared;

/// <summary>The hand-written writers of the hot reads write exactly the serializer's bytes under the app's own JSON options.</summary>
public sealed class EntityJsonTests
{
    /// <summary>Text as it comes out of SQLite: escapes, HTML characters, controls, non-ASCII, pairs of surrogates.</summary>
    static readonly string[] Pieces = ["a", "Beach", " ", "\"", "\\", "/", "<", ">", "&", "'", "+", "\n", "\t", "\0", "\u001f", "\u007f", "é", "ß", "İ", "中", "😀", "\u2028", "\ufeff", "IMG_0001.jpg"];

    static readonly Gen<string?> Text = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (1, Gen.Const((string?)"")),
        (6, Gen.Int[0, Pieces.Length - 1].Array[1, 12].Select(ix => (string?)string.Concat(ix.Select(i => Pieces[i])))));

    static readonly Gen<long?> Number = Gen.Frequency((1, Gen.Const((long?)null)), (3, Gen.Long.Select(v => (long?)v)));

    static readonly Gen<int?> Size = Gen.Frequency((1, Gen.Const((int?)null)), (3, Gen.Int.Select(v => (int?)v)));

    static readonly double[] Awkward = [0.0, -0.0, 0.1, 1e-7, 1e21, 12.345678901234567, double.MaxValue, double.Epsilon];

    static readonly Gen<double?> Duration = Gen.Frequency(
        (1, Gen.Const((double?)null)),
        (1, Gen.Int[0, Awkward.Length - 1].Select(i => (double?)Awkward[i])),
        (3, Gen.Double.Where(double.IsFinite).Select(v => (double?)v)));

    static readonly Gen<Entity> Entities =
        Gen.Select(Gen.Long, Gen.Bool, Text, Text, Number, Number, Number, Gen.Bool)
            .SelectMany(a => Gen.Select(Number, Text, Text, Number, Size, Size, Duration, Text)
                .SelectMany(b => Gen.Select(Text, Text, Text, Text, Text).Select(c => new Entity
                {
                    Id = a.Item1, IsCollection = a.Item2, Label = a.Item3, Description = a.Item4, ParentId = a.Item5,
                    AddedDate = a.Item6, UpdatedDate = a.Item7, IsDeleted = a.Item8,
                    CreateDate = b.Item1, AddedBy = b.Item2, UpdatedBy = b.Item3, FileSize = b.Item4, Height = b.Item5,
                    Width = b.Item6, Duration = b.Item7, MimeType = b.Item8,
                    Type = c.Item1, Extension = c.Item2, Md5 = c.Item3, FilePath = c.Item4, FileMd5 = c.Item5,
                })));

    static async Task<JsonSerializerOptions> AppOptionsAsync()
    {
        await using var host = await StoreHost.StartAsync();
        return host.App.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
    }

    static string Written<T>(JsonSerializerOptions options, Action<Utf8JsonWriter, T> write, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented, IndentCharacter = options.IndentCharacter, IndentSize = options.IndentSize, NewLine = options.NewLine }))
            write(writer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public async Task An_entity_is_written_as_the_serializer_writes_it()
    {
        var options = await AppOptionsAsync();
        Entities.Sample(e =>
            Assert.Equal(JsonSerializer.Serialize(e, options), Written(options, EntityJson.Writer, e)), iter: 3000);
    }

    [Fact]
    public async Task A_history_row_is_written_as_its_declared_entity()
    {
        var options = await AppOptionsAsync();
        Entities.Sample(e =>
        {
            var version = new EntityVersion { Version = 3, TransactionId = 9, OperationType = 1 } with { };
            var row = version with { Id = e.Id, Label = e.Label, Duration = e.Duration, Md5 = e.Md5 };
            Assert.Equal(JsonSerializer.Serialize<Entity>(row, options), Written<Entity>(options, EntityJson.Writer, row));
        }, iter: 300);
    }

    [Fact]
    public async Task A_page_is_written_as_the_serializer_writes_it()
    {
        var options = await AppOptionsAsync();
        Gen.Select(Entities.List[0, 25], Gen.Int, Gen.Int, Gen.Long, Gen.Long, Gen.Bool, Gen.Bool).Sample((items, page, size, total, pages, next, prev) =>
        {
            var value = new EntityPage(items, new Pagination(page, size, total, pages, next, prev));
            Assert.Equal(JsonSerializer.Serialize(value, options), Written(options, EntityPageJson.Write, value));
        }, iter: 300);
    }
}
