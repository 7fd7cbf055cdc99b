using System.Text.Json;

namespace Store.Entities.Shared;

/// <summary>
/// An <see cref="Entity"/> written as the app's JSON options write it (snake_case names, the declared order, nulls
/// written, the app's encoder), by hand: the serializer's per-property metadata (a getter delegate, a converter, a
/// nullable wrapper each) was most of a list page's JSON and about a sixth of its CPU (README, "The hot reads (session
/// 18)"). <c>EntityJsonTests</c> compares the bytes with the serializer's over generated entities, so a property added
/// to <see cref="Entity"/> and not here fails there.
/// </summary>
public static class EntityJson
{
    static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    static readonly JsonEncodedText IsCollection = JsonEncodedText.Encode("is_collection");
    static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
    static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    static readonly JsonEncodedText ParentId = JsonEncodedText.Encode("parent_id");
    static readonly JsonEncodedText AddedDate = JsonEncodedText.Encode("added_date");
    static readonly JsonEncodedText UpdatedDate = JsonEncodedText.Encode("updated_date");
    static readonly JsonEncodedText IsDeleted = JsonEncodedText.Encode("is_deleted");
    static readonly JsonEncodedText CreateDate = JsonEncodedText.Encode("create_date");
    static readonly JsonEncodedText AddedBy = JsonEncodedText.Encode("added_by");
    static readonly JsonEncodedText UpdatedBy = JsonEncodedText.Encode("updated_by");
    static readonly JsonEncodedText FileSize = JsonEncodedText.Encode("file_size");
    static readonly JsonEncodedText Height = JsonEncodedText.Encode("height");
    static readonly JsonEncodedText Width = JsonEncodedText.Encode("width");
    static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    static readonly JsonEncodedText MimeType = JsonEncodedText.Encode("mime_type");
    static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    static readonly JsonEncodedText Extension = JsonEncodedText.Encode("extension");
    static readonly JsonEncodedText Md5 = JsonEncodedText.Encode("md5");
    static readonly JsonEncodedText FilePath = JsonEncodedText.Encode("file_path");

    /// <summary>As a delegate, for <see cref="Store.Http.OkJson.Of{T}(T, Action{Utf8JsonWriter, T})"/>.</summary>
    public static readonly Action<Utf8JsonWriter, Entity> Writer = Write;

    public static void Write(Utf8JsonWriter w, Entity e)
    {
        w.WriteStartObject();
        w.WriteNumber(Id, e.Id);
        w.WriteBoolean(IsCollection, e.IsCollection);
        Text(w, Label, e.Label);
        Text(w, Description, e.Description);
        Number(w, ParentId, e.ParentId);
        Number(w, AddedDate, e.AddedDate);
        Number(w, UpdatedDate, e.UpdatedDate);
        w.WriteBoolean(IsDeleted, e.IsDeleted);
        Number(w, CreateDate, e.CreateDate);
        Text(w, AddedBy, e.AddedBy);
        Text(w, UpdatedBy, e.UpdatedBy);
        Number(w, FileSize, e.FileSize);
        Number(w, Height, e.Height);
        Number(w, Width, e.Width);
        Number(w, Duration, e.Duration);
        Text(w, MimeType, e.MimeType);
        Text(w, Type, e.Type);
        Text(w, Extension, e.Extension);
        Text(w, Md5, e.Md5);
        Text(w, FilePath, e.FilePath);
        w.WriteEndObject();
    }

    static void Text(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    static void Number(Utf8JsonWriter w, JsonEncodedText name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    static void Number(Utf8JsonWriter w, JsonEncodedText name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
