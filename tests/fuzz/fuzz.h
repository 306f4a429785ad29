/* libFuzzer entry point shared by the fuzz targets and the replay driver. */
#pragma once
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
