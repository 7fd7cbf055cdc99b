using System.Text;
using System.Text.Json;
using Store.Http;

namespace Store.Tests.Http;

/// <summary>The buffer and writer a thread keeps for the hot reads' bodies: reused, reset after a failed write, dropped when grown large.</summary>
public sealed class JsonBufferTests
{
    static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    static string Write(JsonSerializerOptions options, Action<Utf8JsonWriter> write)
    {
        var (buffer, writer) = JsonBuffer.Rent(options);
        try
        {
            write(writer);
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            JsonBuffer.Return(buffer);
        }
    }

    [Fact]
    public void Each_body_is_its_own_after_the_last()
    {
        Assert.Equal("""{"a":1,"b":"long text"}""", Write(Options, w => { w.WriteStartObject(); w.WriteNumber("a", 1); w.WriteString("b", "long text"); w.WriteEndObject(); }));
        Assert.Equal("[2]", Write(Options, w => { w.WriteStartArray(); w.WriteNumberValue(2); w.WriteEndArray(); }));
    }

    [Fact]
    public void A_write_that_failed_half_way_leaves_nothing_behind()
    {
        Assert.Throws<ArgumentException>(() => Write(Options, w => { w.WriteStartObject(); w.WriteNumber("a", 1); w.WriteNumber("d", double.NaN); }));
        Assert.Equal("""{"ok":true}""", Write(Options, w => { w.WriteStartObject(); w.WriteBoolean("ok", true); w.WriteEndObject(); }));
    }

    [Fact]
    public void A_buffer_grown_past_the_kept_size_is_not_kept()
    {
        var large = new string('x', JsonBuffer.KeptCapacity + 1);
        Write(Options, w => w.WriteStringValue(large));
        var (buffer, _) = JsonBuffer.Rent(Options);
        Assert.True(buffer.Capacity <= JsonBuffer.KeptCapacity);
        JsonBuffer.Return(buffer);
    }

    [Fact]
    public void Other_options_get_a_writer_of_their_own()
    {
        var indented = new JsonSerializerOptions(Options) { WriteIndented = true, IndentSize = 1, NewLine = "\n" };
        Assert.Equal("{\n \"a\": 1\n}", Write(indented, w => { w.WriteStartObject(); w.WriteNumber("a", 1); w.WriteEndObject(); }));
        Assert.Equal("""{"a":1}""", Write(Options, w => { w.WriteStartObject(); w.WriteNumber("a", 1); w.WriteEndObject(); }));
        Assert.Equal(JsonSerializer.Serialize(new { A = 1, B = new[] { 2 } }, indented), Write(indented, w => JsonSerializer.Serialize(w, new { A = 1, B = new[] { 2 } }, indented)));
    }
}
