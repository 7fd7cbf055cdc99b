using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>
/// The current row of a SQLite statement, read by SQLite's own column calls on the statement's plain pointer, for the
/// hot reads (a list page reads 21 columns of 20 rows). Through SQLitePCLRaw each call is an interface dispatch to its
/// provider and a marshalled call that takes and releases the statement's SafeHandle, two interlocked operations:
/// together 11% of the CPU of a list page (perf, README "The hot reads"). These calls are short and never block or
/// call back into .NET, so they skip the GC transition too. The library is the one SQLitePCLRaw loads (e_sqlite3).
/// Only valid while the reader stands on a row, on the thread that stepped it.
/// <para>Every <c>sqlite3_column_*</c> call takes and leaves the connection's mutex (serialized mode), 7.7% of a list page's
/// CPU with two calls for a nullable column or a text. A column that needs two calls is read as its value instead:
/// one <c>sqlite3_column_value</c> (the mutex once), then <c>sqlite3_value_*</c>, which only read the statement's
/// own result cell. Its text is taken with <c>sqlite3_value_blob</c>, which for a text cell of a UTF-8 database (the
/// service's: SQLite's default, never changed) hands out the bytes as they are (no terminator written, no allocation
/// from the connection's memory, which the mutex guards); a cell of another type than text is read by the column
/// calls, which convert it under the mutex.</para>
/// </summary>
public readonly unsafe partial struct SqliteColumns
{
    const string Library = "e_sqlite3";
    const int Null = 5;
    const int TextType = 3;

    readonly IntPtr _statement;

    public SqliteColumns(SqliteDataReader reader) => _statement = reader.Handle!.DangerousGetHandle();

    public long Int64(int i) => ColumnInt64(_statement, i);

    public bool Flag(int i) => ColumnInt64(_statement, i) != 0;

    public long? NullableInt64(int i)
    {
        var value = ColumnValue(_statement, i);
        return ValueType(value) == Null ? null : ValueInt64(value);
    }

    public double? NullableDouble(int i)
    {
        var value = ColumnValue(_statement, i);
        return ValueType(value) == Null ? null : ValueDouble(value);
    }

    public string? Text(int i) =>
        Utf8(i, out var text, out var isNull) ? (text.IsEmpty ? "" : Encoding.UTF8.GetString(text))
        : isNull ? null : ConvertedText(i);

    /// <summary>
    /// A text cell's bytes as SQLite holds them (UTF-8, unchecked), valid until the statement moves on; false for a
    /// NULL (<paramref name="isNull"/>) or a cell of another type, which <see cref="Text"/> converts.
    /// </summary>
    public bool Utf8(int i, out ReadOnlySpan<byte> text, out bool isNull)
    {
        var value = ColumnValue(_statement, i);
        var type = ValueType(value);
        isNull = type == Null;
        if (type != TextType)
        {
            text = default;
            return false;
        }
        // The length first: value_blob marks the cell a blob too, and a blob's length counts no terminator either.
        var length = ValueBytes(value);
        text = length == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(ValueBlob(value), length);
        return true;
    }

    /// <summary>SQLite answers a NULL column's text with a null pointer, so one call tells NULL from text.</summary>
    string? ConvertedText(int i)
    {
        var text = ColumnText(_statement, i);
        if (text is null) return null;
        // After the text: its length is that of the UTF-8 SQLite just made (sqlite3_column_bytes' documented order).
        return Encoding.UTF8.GetString(text, ColumnBytes(_statement, i));
    }

    [LibraryImport(Library, EntryPoint = "sqlite3_column_value"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial IntPtr ColumnValue(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_value_type"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int ValueType(IntPtr value);

    [LibraryImport(Library, EntryPoint = "sqlite3_value_int64"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial long ValueInt64(IntPtr value);

    [LibraryImport(Library, EntryPoint = "sqlite3_value_double"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial double ValueDouble(IntPtr value);

    [LibraryImport(Library, EntryPoint = "sqlite3_value_blob"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial byte* ValueBlob(IntPtr value);

    [LibraryImport(Library, EntryPoint = "sqlite3_value_bytes"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int ValueBytes(IntPtr value);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial long ColumnInt64(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_double"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial double ColumnDouble(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_text"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial byte* ColumnText(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int ColumnBytes(IntPtr statement, int i);
}
