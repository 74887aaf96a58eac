#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include "codec_status.h"

// Kept by the caller of the function that calls setjmp, so it stays valid after the jump.
typedef struct {
    const unsigned char *data;
    size_t size;
    size_t position;
    tinyssd_codec_buffer *out;
    size_t capacity;
    png_bytep *rows;
    char message[200];
} png_state;

// libpng's default error handler prints and aborts; ours keeps the message and jumps back.
static void png_fail(png_structp png, png_const_charp message) {
    png_state *state = png_get_error_ptr(png);
    snprintf(state->message, sizeof state->message, "%s", message);
    png_longjmp(png, 1);
}

// Warnings concern ancillary data (e.g. a bad iCCP profile) that OpenCV ignores too.
static void png_ignore_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void png_read_memory(png_structp png, png_bytep target, size_t length) {
    png_state *state = png_get_io_ptr(png);
    if (length > state->size - state->position) png_error(png, "unexpected end of file");
    memcpy(target, state->data + state->position, length);
    state->position += length;
}

static tinyssd_codec_result decode(png_structp png, png_infop info, png_state *state) {
    if (setjmp(png_jmpbuf(png))) return TINYSSD_CODEC_CORRUPT;
    png_set_read_fn(png, state, png_read_memory);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (!tinyssd_pixel_count_allowed(width, height)) return TINYSSD_CODEC_TOO_LARGE;
    // The transforms OpenCV's PNG decoder asks for when it reads a colour 8-bit image.
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 3) png_error(png, "unexpected row layout after conversion to RGB");

    tinyssd_codec_buffer *out = state->out;
    out->width = (int)width;
    out->height = (int)height;
    out->count = (unsigned long)width * height * 3;
    out->bytes = malloc(out->count);
    state->rows = malloc(sizeof(png_bytep) * height);
    if (out->bytes == NULL || state->rows == NULL) return TINYSSD_CODEC_NO_MEMORY;
    for (png_uint_32 y = 0; y < height; y++) state->rows[y] = out->bytes + (size_t)y * width * 3;
    png_read_image(png, state->rows);
    png_read_end(png, NULL);
    return TINYSSD_CODEC_OK;
}

tinyssd_codec_status tinyssd_decode_png(const unsigned char *data, size_t size, tinyssd_codec_buffer *out) {
    png_state state = { data, size, 0, out, 0, NULL, "" };
    out->bytes = NULL;
    out->count = 0;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, png_fail, png_ignore_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return tinyssd_status(TINYSSD_CODEC_NO_MEMORY, "libpng could not allocate its state");
    }
    tinyssd_codec_result result = decode(png, info, &state);
    png_destroy_read_struct(&png, &info, NULL);
    free(state.rows);
    if (result == TINYSSD_CODEC_OK) return tinyssd_status(result, "");
    tinyssd_codec_free(out);
    if (result == TINYSSD_CODEC_TOO_LARGE) return tinyssd_status(result, "image has too many pixels");
    if (result == TINYSSD_CODEC_NO_MEMORY) return tinyssd_status(result, "out of memory");
    return tinyssd_status(result, state.message);
}

static void png_write_memory(png_structp png, png_bytep bytes, size_t length) {
    png_state *state = png_get_io_ptr(png);
    tinyssd_codec_buffer *out = state->out;
    if (length > state->capacity - out->count) {
        size_t capacity = state->capacity * 2 + length;
        unsigned char *grown = realloc(out->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        out->bytes = grown;
        state->capacity = capacity;
    }
    memcpy(out->bytes + out->count, bytes, length);
    out->count += length;
}

static void png_flush_memory(png_structp png) {
    (void)png;
}

static int encode(png_structp png, png_infop info, png_state *state, const unsigned char *rgb, int width, int height) {
    if (setjmp(png_jmpbuf(png))) return 0;
    png_set_write_fn(png, state, png_write_memory, png_flush_memory);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) png_write_row(png, rgb + (size_t)y * (size_t)width * 3);
    png_write_end(png, NULL);
    return 1;
}

tinyssd_codec_status tinyssd_encode_png(const unsigned char *rgb, int width, int height, tinyssd_codec_buffer *out) {
    png_state state = { NULL, 0, 0, out, 0, NULL, "" };
    out->bytes = NULL;
    out->count = 0;
    out->width = width;
    out->height = height;
    if (width <= 0 || height <= 0 || !tinyssd_pixel_count_allowed((unsigned long)width, (unsigned long)height))
        return tinyssd_status(TINYSSD_CODEC_TOO_LARGE, "PNG sides must be positive and the image not too large");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, png_fail, png_ignore_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        return tinyssd_status(TINYSSD_CODEC_NO_MEMORY, "libpng could not allocate its state");
    }
    int encoded = encode(png, info, &state, rgb, width, height);
    png_destroy_write_struct(&png, &info);
    if (encoded) return tinyssd_status(TINYSSD_CODEC_OK, "");
    tinyssd_codec_free(out);
    return tinyssd_status(TINYSSD_CODEC_CORRUPT, state.message);
}
