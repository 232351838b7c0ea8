;; wasm-chord's matrix-vector kernels in WebAssembly SIMD128 (no relaxed SIMD: Safari lacks it).
;;
;; The module shares TeaVM's linear memory, where the model file and the engine's scratch blocks live,
;; and computes out[t * outStride + r] = dot(weight row r, activation row t) for a run of rows. The
;; activations arrive already encoded in the weight type's vec-dot type by engine-common's own
;; quantizers (so they are bit-identical to llama.cpp's); integer ones are widened to i16 once per
;; call, so the row loops spend no work on them. Every kernel is bit-identical to
;; engine-common's scalar BlockFormat.dot: integer sums inside a block are exact in any order, and the
;; float work per block is done in the same order, one block after the other.
;;
;; fp16 scales are read through a table of all 65536 fp16 values as floats that the engine fills with
;; its own Half.toFloat (see setHalfTable), one load instead of a dozen integer operations.
(module
  (import "env" "memory" (memory 1))

  ;; Address of the fp16 -> f32 table: 65536 floats.
  (global $halves (mut i32) (i32.const 0))

  (type $dot (func (param i32 i32 i32) (result f32)))

  ;; Kernel ids for matmul: the order of this table (WasmKernelIds in Java follows it).
  (table 16 funcref)
  (elem (i32.const 0) $dot_f32 $dot_f16 $dot_q8_0 $dot_q4_0 $dot_iq4_nl $dot_q4_1 $dot_q4_k $dot_q6_k $dot_iq4_xs
    $dot_q5_0 $dot_q5_1 $dot_q5_k $dot_q2_k $dot_q3_k)

  (func (export "setHalfTable") (param $address i32)
    (global.set $halves (local.get $address)))

;; Rows [0, rows) of a matrix whose rows are rowBytes apart from w, against n activation rows
  ;; actBytes apart from act; count values per row. Results go to out + 4 * r + outStride * t.
  ;; Integer activations are widened first into $wide (see $widen), so the kernels load i16 lanes.
  ;; With several activation rows (a prompt), Q8_0, Q4_0, Q4_K and Q6_K weight rows are decoded once
  ;; into $decoded (2.5 bytes per value) and dotted from there with each activation row.
  (func (export "matmul") (param $kind i32) (param $w i32) (param $rowBytes i32) (param $rows i32)
        (param $act i32) (param $actBytes i32) (param $n i32) (param $count i32)
        (param $out i32) (param $outStride i32) (param $wide i32) (param $decoded i32)
    (local $r i32) (local $t i32) (local $a i32) (local $o i32) (local $stride i32)
    (local.set $stride (call $widen (call $actType (local.get $kind)) (local.get $act) (local.get $n)
                                    (local.get $count) (local.get $wide)))
    (if (i32.eqz (local.get $stride))
      (then (local.set $stride (local.get $actBytes)))
      (else (local.set $act (local.get $wide))))
    (if (i32.ge_u (local.get $n) (i32.const 2))
      (then
        (if (call $matmulDecoded (local.get $kind) (local.get $w) (local.get $rowBytes) (local.get $rows)
              (local.get $act) (local.get $stride) (local.get $n) (local.get $count) (local.get $out)
              (local.get $outStride) (local.get $decoded))
          (then (return)))))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $t (i32.const 0))
        (local.set $a (local.get $act))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))))
        (block $tokensDone
          (loop $eachToken
            (br_if $tokensDone (i32.ge_u (local.get $t) (local.get $n)))
            (f32.store (local.get $o)
              (call_indirect (type $dot) (local.get $w) (local.get $a) (local.get $count) (local.get $kind)))
            (local.set $a (i32.add (local.get $a) (local.get $stride)))
            (local.set $o (i32.add (local.get $o) (local.get $outStride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $eachToken)))
        (local.set $w (i32.add (local.get $w) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $eachRow))))

  ;; The activation type of kernel $kind: 0 float (used as it is), 1 Q8_0, 2 Q8_1, 3 Q8_K.
  (func $actType (param $kind i32) (result i32)
    (block $k (block $one (block $two (block $zero
      (br_table $zero $zero $one $one $one $two $k $k $k $one $two $k $k $k $zero (local.get $kind)))
      (return (i32.const 0)))
      (return (i32.const 2)))
      (return (i32.const 1)))
    (i32.const 3))

  ;; Widens $n rows of $count activations of type $type at $src into $dst and returns the bytes per
  ;; widened row (0 for floats: nothing to do). Widened blocks keep the scale(s) as f32 in a 16-byte
  ;; header and the values as i16 from byte 16: Q8_0 and Q8_1 blocks take 80 bytes (Q8_1's scaled
  ;; sum s follows d as f32, Q8_0's sum of values as i32), Q8_K blocks 560 (the 16 sums of 16 as i16
  ;; from byte 528).
  (func $widen (param $type i32) (param $src i32) (param $n i32) (param $count i32) (param $dst i32) (result i32)
    (local $end i32) (local $x v128) (local $i i32)
    (if (i32.eqz (local.get $type)) (then (return (i32.const 0))))
    (if (i32.eq (local.get $type) (i32.const 3))
      (then
        (local.set $end (i32.add (local.get $dst)
          (i32.mul (i32.mul (local.get $n) (i32.shr_u (local.get $count) (i32.const 8))) (i32.const 560))))
        (block $done
          (loop $blocks
            (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
            (f32.store (local.get $dst) (f32.load (local.get $src)))
            (local.set $i (i32.const 0))
            (loop $sixteens
              (local.set $x (v128.load offset=4 (i32.add (local.get $src) (local.get $i))))
              (v128.store offset=16 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))
                (i16x8.extend_low_i8x16_s (local.get $x)))
              (v128.store offset=32 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))
                (i16x8.extend_high_i8x16_s (local.get $x)))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br_if $sixteens (i32.lt_u (local.get $i) (i32.const 256))))
            (v128.store offset=528 (local.get $dst) (v128.load offset=260 (local.get $src)))
            (v128.store offset=544 (local.get $dst) (v128.load offset=276 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 292)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 560)))
            (br $blocks)))
        (return (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 560)))))
    (local.set $end (i32.add (local.get $dst)
      (i32.mul (i32.mul (local.get $n) (i32.shr_u (local.get $count) (i32.const 5))) (i32.const 80))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (call $half (local.get $src)))
        (if (i32.eq (local.get $type) (i32.const 2))
          (then
            (f32.store offset=4 (local.get $dst) (call $half (i32.add (local.get $src) (i32.const 2))))
            (local.set $src (i32.add (local.get $src) (i32.const 2)))))
        (local.set $x (v128.load offset=2 (local.get $src)))
        (v128.store offset=16 (local.get $dst) (i16x8.extend_low_i8x16_s (local.get $x)))
        (v128.store offset=32 (local.get $dst) (i16x8.extend_high_i8x16_s (local.get $x)))
        (local.set $x (v128.load offset=18 (local.get $src)))
        (v128.store offset=48 (local.get $dst) (i16x8.extend_low_i8x16_s (local.get $x)))
        (v128.store offset=64 (local.get $dst) (i16x8.extend_high_i8x16_s (local.get $x)))
        (if (i32.eq (local.get $type) (i32.const 1))
          (then
            ;; Q8_0: the sum of the block's 32 values at byte 4 (|sum| <= 4064 fits the i16 lanes)
            (local.set $x (i32x4.extadd_pairwise_i16x8_s (i16x8.add
              (i16x8.add (v128.load offset=16 (local.get $dst)) (v128.load offset=32 (local.get $dst)))
              (i16x8.add (v128.load offset=48 (local.get $dst)) (v128.load offset=64 (local.get $dst))))))
            (local.set $x (i32x4.add (local.get $x) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))))
            (local.set $x (i32x4.add (local.get $x) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $x) (local.get $x))))
            (i32.store offset=4 (local.get $dst) (i32x4.extract_lane 0 (local.get $x)))))
        (local.set $src (i32.add (local.get $src) (i32.const 34)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 80)))
        (br $blocks)))
    (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 80)))

    ;; F32 x F32: products and sums in double, even values in one sum and odd in another (lanes 0
  ;; and 1 of an f64x2), as F32Format.dot.
  (func $dot_f32 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $acc v128) (local $wv v128) (local $av v128) (local $s0 f64)
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $wv (v128.load (local.get $w)))
        (local.set $av (v128.load (local.get $a)))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $wv)) (f64x2.promote_low_f32x4 (local.get $av)))))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $wv) (local.get $wv)))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $av) (local.get $av))))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $quads)))
    ;; a last pair, then a last single value (into the even sum)
    (if (i32.and (local.get $count) (i32.const 2))
      (then
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w)))
                     (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 8)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $acc)))
    (if (i32.and (local.get $count) (i32.const 1))
      (then
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul (f64.promote_f32 (f32.load (local.get $w))) (f64.promote_f32 (f32.load (local.get $a))))))))
    (f32.demote_f64 (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc)))))

  ;; F16 x F16: each product of two fp16 values is exact in float; sums in double as F32.
  (func $dot_f16 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $acc v128) (local $p v128) (local $s0 f64)
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 1))))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $p (f32x4.mul (call $halves4 (local.get $w)) (call $halves4 (local.get $a))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (local.get $p))))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p)))))
        (local.set $w (i32.add (local.get $w) (i32.const 8)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (br $quads)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $acc)))
    (if (i32.and (local.get $count) (i32.const 2))
      (then
        (local.set $s0 (f64.add (local.get $s0) (f64.promote_f32 (f32.mul (call $half (local.get $w)) (call $half (local.get $a))))))
        (local.set $acc (f64x2.replace_lane 1 (local.get $acc)
          (f64.add (f64x2.extract_lane 1 (local.get $acc))
                   (f64.promote_f32 (f32.mul (call $half (i32.add (local.get $w) (i32.const 2)))
                                             (call $half (i32.add (local.get $a) (i32.const 2))))))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))))
    (if (i32.and (local.get $count) (i32.const 1))
      (then
        (local.set $s0 (f64.add (local.get $s0) (f64.promote_f32 (f32.mul (call $half (local.get $w)) (call $half (local.get $a))))))))
    (f32.demote_f64 (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $acc)))))

  (func $half (param $at i32) (result f32)
    (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $at)) (i32.const 2)))))

  ;; Four fp16 values at $at as floats, exactly: the exponent rebased by a multiply by 2^112 (which
  ;; also turns fp16 subnormals into normal floats), infinities and NaNs rebuilt by hand.
  (func $halves4 (param $at i32) (result v128)
    (local $h v128) (local $magnitude v128) (local $shifted v128)
    (local.set $h (i32x4.extend_low_i16x8_u (v128.load64_zero (local.get $at))))
    (local.set $magnitude (v128.and (local.get $h) (v128.const i32x4 0x7FFF 0x7FFF 0x7FFF 0x7FFF)))
    (local.set $shifted (i32x4.shl (local.get $magnitude) (i32.const 13)))
    (v128.or
      (i32x4.shl (v128.and (local.get $h) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000)) (i32.const 16))
      (v128.bitselect
        (v128.or (local.get $shifted) (v128.const i32x4 0x7F800000 0x7F800000 0x7F800000 0x7F800000))
        (f32x4.mul (local.get $shifted) (v128.const i32x4 0x77800000 0x77800000 0x77800000 0x77800000))
        (i32x4.gt_s (local.get $magnitude) (v128.const i32x4 0x7BFF 0x7BFF 0x7BFF 0x7BFF)))))

  ;; Q8_0 x Q8_0: blocks of 34 bytes (d:f16, 32 signed bytes) against widened Q8_0 (80 bytes).
  (func $dot_q8_0 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128) (local $x v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 34))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $x (v128.load offset=2 (local.get $w)))
        (local.set $p (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (v128.load offset=16 (local.get $a)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (v128.load offset=32 (local.get $a)))))
        (local.set $x (v128.load offset=18 (local.get $w)))
        (local.set $p (i32x4.add (local.get $p) (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (v128.load offset=48 (local.get $a)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (v128.load offset=64 (local.get $a))))))
        ;; horizontal sum of the four lanes
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $p)))
            (f32.mul
              (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
              (f32.load (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 34)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; Q4_0 x Q8_0: blocks of 18 bytes (d:f16, 16 bytes: value j in the low nibble of byte j, value
  ;; j + 16 in its high nibble), value = nibble - 8: the sum is sum(nibble * a) - 8 * sum(a), with
  ;; sum(a) from the widened block. Nibbles are split in i16 lanes.
  (func $dot_q4_0 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128) (local $q v128) (local $qa v128) (local $qb v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 18))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $q (v128.load offset=2 (local.get $w)))
        (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
        (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
        (local.set $p (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=16 (local.get $a)))
            (i32x4.dot_i16x8_s (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=32 (local.get $a))))
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qa) (i32.const 4)) (v128.load offset=48 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qb) (i32.const 4)) (v128.load offset=64 (local.get $a))))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul
            (f32.convert_i32_s (i32.sub (i32x4.extract_lane 0 (local.get $p))
                                        (i32.shl (i32.load offset=4 (local.get $a)) (i32.const 3))))
            (f32.mul
              (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
              (f32.load (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 18)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; IQ4_NL x Q8_0: Q4_0's layout, values from a non-linear table of 16 bytes.
  (func $dot_iq4_nl (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128) (local $q v128) (local $lo v128) (local $hi v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 18))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $q (v128.load offset=2 (local.get $w)))
        (local.set $lo (i8x16.swizzle (v128.const i8x16 -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113)
          (v128.and (local.get $q) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))))
        (local.set $hi (i8x16.swizzle (v128.const i8x16 -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113)
          (i8x16.shr_u (local.get $q) (i32.const 4))))
        (local.set $p (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $lo)) (v128.load offset=16 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $lo)) (v128.load offset=32 (local.get $a))))
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $hi)) (v128.load offset=48 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $hi)) (v128.load offset=64 (local.get $a))))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $p)))
            (f32.mul
              (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
              (f32.load (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 18)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; Q4_1 x Q8_1: blocks of 20 bytes (d:f16, m:f16, nibbles as Q4_0's) against widened Q8_1 (d, s as
  ;; f32); sum += d*dy*sumi + m*s.
  (func $dot_q4_1 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128) (local $q v128) (local $qa v128) (local $qb v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 20))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $q (v128.load offset=4 (local.get $w)))
        (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
        (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
        (local.set $p (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=16 (local.get $a)))
            (i32x4.dot_i16x8_s (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=32 (local.get $a))))
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qa) (i32.const 4)) (v128.load offset=48 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qb) (i32.const 4)) (v128.load offset=64 (local.get $a))))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.add
            (f32.mul
              (f32.mul
                (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
                (f32.load (local.get $a)))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $p))))
            (f32.mul
              (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=2 (local.get $w)) (i32.const 2))))
              (f32.load offset=4 (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 20)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; The fifth bits of a Q5_0/Q5_1 block: bit j of $qh (j = 0..15 from bytes 0-1, or 16..31 from
  ;; bytes 2-3 with $high) as 16 bytes of 0x10 or 0.
  (func $fifthBits (param $qh i32) (param $high i32) (result v128)
    (v128.and
      (i8x16.eq
        (v128.and
          (i8x16.swizzle (i32x4.splat (i32.shr_u (local.get $qh) (i32.shl (local.get $high) (i32.const 4))))
            (v128.const i8x16 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1))
          (v128.const i8x16 1 2 4 8 16 32 64 -128 1 2 4 8 16 32 64 -128))
        (v128.const i8x16 1 2 4 8 16 32 64 -128 1 2 4 8 16 32 64 -128))
      (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16)))

  ;; Q5_0 x Q8_0: blocks of 22 bytes (d:f16, qh:u32, nibbles as Q4_0's); value = (nibble | fifth bit << 4) - 16.
  (func $dot_q5_0 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128) (local $q v128) (local $lo v128) (local $hi v128) (local $qh i32)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 22))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $qh (i32.load offset=2 (local.get $w)))
        (local.set $q (v128.load offset=6 (local.get $w)))
        (local.set $lo (i8x16.sub
          (v128.or (v128.and (local.get $q) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
                   (call $fifthBits (local.get $qh) (i32.const 0)))
          (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16)))
        (local.set $hi (i8x16.sub
          (v128.or (i8x16.shr_u (local.get $q) (i32.const 4)) (call $fifthBits (local.get $qh) (i32.const 1)))
          (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16)))
        (local.set $p (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $lo)) (v128.load offset=16 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $lo)) (v128.load offset=32 (local.get $a))))
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $hi)) (v128.load offset=48 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $hi)) (v128.load offset=64 (local.get $a))))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $p)))
            (f32.mul
              (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
              (f32.load (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 22)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; Q5_1 x Q8_1: blocks of 24 bytes (d:f16, m:f16, qh:u32, nibbles); sum += d*dy*sumi + m*s.
  (func $dot_q5_1 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128) (local $q v128) (local $lo v128) (local $hi v128) (local $qh i32)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 24))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $qh (i32.load offset=4 (local.get $w)))
        (local.set $q (v128.load offset=8 (local.get $w)))
        (local.set $lo (v128.or (v128.and (local.get $q) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
                                (call $fifthBits (local.get $qh) (i32.const 0))))
        (local.set $hi (v128.or (i8x16.shr_u (local.get $q) (i32.const 4)) (call $fifthBits (local.get $qh) (i32.const 1))))
        (local.set $p (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $lo)) (v128.load offset=16 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $lo)) (v128.load offset=32 (local.get $a))))
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $hi)) (v128.load offset=48 (local.get $a)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $hi)) (v128.load offset=64 (local.get $a))))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.add
            (f32.mul
              (f32.mul
                (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
                (f32.load (local.get $a)))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $p))))
            (f32.mul
              (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=2 (local.get $w)) (i32.const 2))))
              (f32.load offset=4 (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 24)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; Q4_K x Q8_K: super-blocks of 144 bytes (d:f16, dmin:f16, 6-bit scales and mins in 12 bytes, 128
  ;; bytes of nibbles: runs 2i and 2i + 1 are the low and high nibbles of bytes 32i..32i+31) against
  ;; widened Q8_K (560). The minimums go through the activation sums of 16.
  (func $dot_q4_k (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $u0 i32) (local $u1 i32) (local $u2 i32)
    (local $sc0 i32) (local $sc1 i32) (local $m0 i32) (local $m1 i32) (local $sc i32)
    (local $pair i32) (local $qs i32) (local $as i32)
    (local $isum v128) (local $mins v128) (local $q v128) (local $qa v128) (local $qb v128) (local $qc v128) (local $qd v128)
    (local $dy f32)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 144))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $u0 (i32.load offset=4 (local.get $w)))
        (local.set $u1 (i32.load offset=8 (local.get $w)))
        (local.set $u2 (i32.load offset=12 (local.get $w)))
        ;; scales of runs 0-3 and 4-7 in the bytes of sc0 and sc1, minimums likewise in m0 and m1
        (local.set $sc0 (i32.and (local.get $u0) (i32.const 0x3F3F3F3F)))
        (local.set $sc1 (i32.or (i32.and (local.get $u2) (i32.const 0x0F0F0F0F))
          (i32.shl (i32.and (i32.shr_u (local.get $u0) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
        (local.set $m0 (i32.and (local.get $u1) (i32.const 0x3F3F3F3F)))
        (local.set $m1 (i32.or (i32.and (i32.shr_u (local.get $u2) (i32.const 4)) (i32.const 0x0F0F0F0F))
          (i32.shl (i32.and (i32.shr_u (local.get $u1) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
        ;; sum over runs of min * (activation sums of its two 16s)
        (local.set $mins (i32x4.add
          (i32x4.mul (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (i32x4.splat (local.get $m0))))
                     (i32x4.extadd_pairwise_i16x8_s (v128.load offset=528 (local.get $a))))
          (i32x4.mul (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (i32x4.splat (local.get $m1))))
                     (i32x4.extadd_pairwise_i16x8_s (v128.load offset=544 (local.get $a))))))
        (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mins) (local.get $mins))))
        (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $mins) (local.get $mins))))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        (local.set $pair (i32.const 0))
        (local.set $qs (i32.add (local.get $w) (i32.const 16)))
        (local.set $as (i32.add (local.get $a) (i32.const 16)))
        (loop $pairs
          ;; bytes l = 0..31 as i16 in qa (l 0-7), qb (8-15), qc (16-23), qd (24-31)
          (local.set $q (v128.load (local.get $qs)))
          (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
          (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
          (local.set $q (v128.load offset=16 (local.get $qs)))
          (local.set $qc (i16x8.extend_low_i8x16_u (local.get $q)))
          (local.set $qd (i16x8.extend_high_i8x16_u (local.get $q)))
          ;; scales of runs 2*pair and 2*pair + 1: bytes (2*pair) % 4 and the next of sc0 (pairs 0, 1) or sc1
          (local.set $sc (i32.shr_u
            (select (local.get $sc0) (local.get $sc1) (i32.lt_u (local.get $pair) (i32.const 2)))
            (i32.shl (i32.and (local.get $pair) (i32.const 1)) (i32.const 4))))
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.add
            (i32x4.mul (i32x4.splat (i32.and (local.get $sc) (i32.const 0xFF))) (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load (local.get $as)))
                (i32x4.dot_i16x8_s (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=16 (local.get $as))))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $qc) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=32 (local.get $as)))
                (i32x4.dot_i16x8_s (v128.and (local.get $qd) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.load offset=48 (local.get $as))))))
            (i32x4.mul (i32x4.splat (i32.and (i32.shr_u (local.get $sc) (i32.const 8)) (i32.const 0xFF))) (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qa) (i32.const 4)) (v128.load offset=64 (local.get $as)))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qb) (i32.const 4)) (v128.load offset=80 (local.get $as))))
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qc) (i32.const 4)) (v128.load offset=96 (local.get $as)))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $qd) (i32.const 4)) (v128.load offset=112 (local.get $as)))))))))
          (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
          (local.set $as (i32.add (local.get $as) (i32.const 128)))
          (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $pair) (i32.const 4))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $dy (f32.load (local.get $a)))
        (local.set $sum (f32.add (local.get $sum)
          (f32.sub
            (f32.mul
              (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2)))) (local.get $dy))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum))))
            (f32.mul
              (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=2 (local.get $w)) (i32.const 2)))) (local.get $dy))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $mins)))))))
        (local.set $w (i32.add (local.get $w) (i32.const 144)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))

  ;; Q5_K x Q8_K: Q4_K (d, dmin, scales at 4) plus qh:u8[32] at 16 (bit run of qh[l] is the fifth
  ;; bit of value 32 run + l), nibbles at 48; 176 bytes.
  (func $dot_q5_k (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $u0 i32) (local $u1 i32) (local $u2 i32)
    (local $sc0 i32) (local $sc1 i32) (local $m0 i32) (local $m1 i32) (local $sc i32)
    (local $pair i32) (local $qs i32) (local $as i32) (local $lowBit i32) (local $highBit i32)
    (local $isum v128) (local $mins v128) (local $q v128) (local $qa v128) (local $qb v128) (local $qc v128) (local $qd v128)
    (local $ha v128) (local $hb v128) (local $hc v128) (local $hd v128)
    (local $dy f32)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 176))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $u0 (i32.load offset=4 (local.get $w)))
        (local.set $u1 (i32.load offset=8 (local.get $w)))
        (local.set $u2 (i32.load offset=12 (local.get $w)))
        (local.set $sc0 (i32.and (local.get $u0) (i32.const 0x3F3F3F3F)))
        (local.set $sc1 (i32.or (i32.and (local.get $u2) (i32.const 0x0F0F0F0F))
          (i32.shl (i32.and (i32.shr_u (local.get $u0) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
        (local.set $m0 (i32.and (local.get $u1) (i32.const 0x3F3F3F3F)))
        (local.set $m1 (i32.or (i32.and (i32.shr_u (local.get $u2) (i32.const 4)) (i32.const 0x0F0F0F0F))
          (i32.shl (i32.and (i32.shr_u (local.get $u1) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
        (local.set $mins (i32x4.add
          (i32x4.mul (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (i32x4.splat (local.get $m0))))
                     (i32x4.extadd_pairwise_i16x8_s (v128.load offset=528 (local.get $a))))
          (i32x4.mul (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (i32x4.splat (local.get $m1))))
                     (i32x4.extadd_pairwise_i16x8_s (v128.load offset=544 (local.get $a))))))
        (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mins) (local.get $mins))))
        (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $mins) (local.get $mins))))
        ;; the fifth bits of l = 0..31 as i16
        (local.set $q (v128.load offset=16 (local.get $w)))
        (local.set $ha (i16x8.extend_low_i8x16_u (local.get $q)))
        (local.set $hb (i16x8.extend_high_i8x16_u (local.get $q)))
        (local.set $q (v128.load offset=32 (local.get $w)))
        (local.set $hc (i16x8.extend_low_i8x16_u (local.get $q)))
        (local.set $hd (i16x8.extend_high_i8x16_u (local.get $q)))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        (local.set $pair (i32.const 0))
        (local.set $qs (i32.add (local.get $w) (i32.const 48)))
        (local.set $as (i32.add (local.get $a) (i32.const 16)))
        (loop $pairs
          (local.set $q (v128.load (local.get $qs)))
          (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
          (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
          (local.set $q (v128.load offset=16 (local.get $qs)))
          (local.set $qc (i16x8.extend_low_i8x16_u (local.get $q)))
          (local.set $qd (i16x8.extend_high_i8x16_u (local.get $q)))
          (local.set $lowBit (i32.shl (local.get $pair) (i32.const 1)))
          (local.set $highBit (i32.add (local.get $lowBit) (i32.const 1)))
          (local.set $sc (i32.shr_u
            (select (local.get $sc0) (local.get $sc1) (i32.lt_u (local.get $pair) (i32.const 2)))
            (i32.shl (i32.and (local.get $pair) (i32.const 1)) (i32.const 4))))
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.add
            (i32x4.mul (i32x4.splat (i32.and (local.get $sc) (i32.const 0xFF))) (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s
                  (v128.or (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $ha) (local.get $lowBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load (local.get $as)))
                (i32x4.dot_i16x8_s
                  (v128.or (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $hb) (local.get $lowBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=16 (local.get $as))))
              (i32x4.add
                (i32x4.dot_i16x8_s
                  (v128.or (v128.and (local.get $qc) (v128.const i16x8 15 15 15 15 15 15 15 15))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $hc) (local.get $lowBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=32 (local.get $as)))
                (i32x4.dot_i16x8_s
                  (v128.or (v128.and (local.get $qd) (v128.const i16x8 15 15 15 15 15 15 15 15))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $hd) (local.get $lowBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=48 (local.get $as))))))
            (i32x4.mul (i32x4.splat (i32.and (i32.shr_u (local.get $sc) (i32.const 8)) (i32.const 0xFF))) (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s
                  (v128.or (i16x8.shr_u (local.get $qa) (i32.const 4))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $ha) (local.get $highBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=64 (local.get $as)))
                (i32x4.dot_i16x8_s
                  (v128.or (i16x8.shr_u (local.get $qb) (i32.const 4))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $hb) (local.get $highBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=80 (local.get $as))))
              (i32x4.add
                (i32x4.dot_i16x8_s
                  (v128.or (i16x8.shr_u (local.get $qc) (i32.const 4))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $hc) (local.get $highBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=96 (local.get $as)))
                (i32x4.dot_i16x8_s
                  (v128.or (i16x8.shr_u (local.get $qd) (i32.const 4))
                           (i16x8.shl (v128.and (i16x8.shr_u (local.get $hd) (local.get $highBit)) (v128.const i16x8 1 1 1 1 1 1 1 1)) (i32.const 4)))
                  (v128.load offset=112 (local.get $as)))))))))
          (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
          (local.set $as (i32.add (local.get $as) (i32.const 128)))
          (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $pair) (i32.const 4))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $dy (f32.load (local.get $a)))
        (local.set $sum (f32.add (local.get $sum)
          (f32.sub
            (f32.mul
              (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2)))) (local.get $dy))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum))))
            (f32.mul
              (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=2 (local.get $w)) (i32.const 2)))) (local.get $dy))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $mins)))))))
        (local.set $w (i32.add (local.get $w) (i32.const 176)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))

  ;; Q6_K x Q8_K: super-blocks of 210 bytes (ql:u8[128], qh:u8[64], scales:i8[16], d:f16). Value
  ;; 128h + 32k + l takes its low four bits from nibble k/2 of ql[64h + 32(k%2) + l] and its top two
  ;; from bits 2k of qh[32h + l], minus 32; runs of 16 have their own scale. Bytes go to i16 lanes
  ;; once, and the six-bit values are put together there; the 32s are taken off at the end, as 32 *
  ;; sum over runs of scale * (activation sum of the run).
  (func $dot_q6_k (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $quarter i32) (local $ql i32) (local $as i32) (local $sc i32)
    (local $isum v128) (local $x v128) (local $la v128) (local $lb v128) (local $ma v128) (local $mb v128)
    (local $ha v128) (local $hb v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 210))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        ;; quarter = 2h + c: values 128h + 16c + 32k + (0..15) for k = 0..3
        (local.set $quarter (i32.const 0))
        (loop $quarters
          (local.set $ql (i32.add (local.get $w)
            (i32.add (i32.shl (i32.shr_u (local.get $quarter) (i32.const 1)) (i32.const 6))
                     (i32.shl (i32.and (local.get $quarter) (i32.const 1)) (i32.const 4)))))
          ;; widened activations: 16 + 2 * (128h + 32k + 16c)
          (local.set $as (i32.add (local.get $a)
            (i32.add (i32.const 16)
              (i32.add (i32.shl (i32.shr_u (local.get $quarter) (i32.const 1)) (i32.const 8))
                       (i32.shl (i32.and (local.get $quarter) (i32.const 1)) (i32.const 5))))))
          ;; scale of run 8h + 2k + c lives at byte 192 + 8h + 2k + c
          (local.set $sc (i32.add (local.get $w)
            (i32.add (i32.const 192)
              (i32.add (i32.shl (i32.shr_u (local.get $quarter) (i32.const 1)) (i32.const 3))
                       (i32.and (local.get $quarter) (i32.const 1))))))
          (local.set $x (v128.load (local.get $ql)))
          (local.set $la (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $lb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (v128.load offset=32 (local.get $ql)))
          (local.set $ma (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $mb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (v128.load offset=128 (i32.add (local.get $w) (i32.shl (local.get $quarter) (i32.const 4)))))
          (local.set $ha (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $hb (i16x8.extend_high_i8x16_u (local.get $x)))
          ;; k = 0: low nibbles of ql, bits 0-1 of qh
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.mul (i32x4.splat (i32.load8_s (local.get $sc))) (i32x4.add
            (i32x4.dot_i16x8_s
              (v128.or (v128.and (local.get $la) (v128.const i16x8 15 15 15 15 15 15 15 15))
                                  (v128.and (i16x8.shl (local.get $ha) (i32.const 4)) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load (local.get $as)))
            (i32x4.dot_i16x8_s
              (v128.or (v128.and (local.get $lb) (v128.const i16x8 15 15 15 15 15 15 15 15))
                                  (v128.and (i16x8.shl (local.get $hb) (i32.const 4)) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=16 (local.get $as)))))))
          ;; k = 1: low nibbles of ql + 32, bits 2-3
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.mul (i32x4.splat (i32.load8_s offset=2 (local.get $sc))) (i32x4.add
            (i32x4.dot_i16x8_s
              (v128.or (v128.and (local.get $ma) (v128.const i16x8 15 15 15 15 15 15 15 15))
                                  (v128.and (i16x8.shl (local.get $ha) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=64 (local.get $as)))
            (i32x4.dot_i16x8_s
              (v128.or (v128.and (local.get $mb) (v128.const i16x8 15 15 15 15 15 15 15 15))
                                  (v128.and (i16x8.shl (local.get $hb) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=80 (local.get $as)))))))
          ;; k = 2: high nibbles of ql, bits 4-5
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.mul (i32x4.splat (i32.load8_s offset=4 (local.get $sc))) (i32x4.add
            (i32x4.dot_i16x8_s
              (v128.or (i16x8.shr_u (local.get $la) (i32.const 4))
                                  (v128.and (local.get $ha) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=128 (local.get $as)))
            (i32x4.dot_i16x8_s
              (v128.or (i16x8.shr_u (local.get $lb) (i32.const 4))
                                  (v128.and (local.get $hb) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=144 (local.get $as)))))))
          ;; k = 3: high nibbles of ql + 32, bits 6-7
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.mul (i32x4.splat (i32.load8_s offset=6 (local.get $sc))) (i32x4.add
            (i32x4.dot_i16x8_s
              (v128.or (i16x8.shr_u (local.get $ma) (i32.const 4))
                                  (v128.and (i16x8.shr_u (local.get $ha) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=192 (local.get $as)))
            (i32x4.dot_i16x8_s
              (v128.or (i16x8.shr_u (local.get $mb) (i32.const 4))
                                  (v128.and (i16x8.shr_u (local.get $hb) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48)))
              (v128.load offset=208 (local.get $as)))))))
          (local.set $quarter (i32.add (local.get $quarter) (i32.const 1)))
          (br_if $quarters (i32.lt_u (local.get $quarter) (i32.const 4))))
        (local.set $x (v128.load offset=192 (local.get $w)))
        (local.set $isum (i32x4.sub (local.get $isum) (i32x4.shl (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (v128.load offset=528 (local.get $a)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (v128.load offset=544 (local.get $a)))) (i32.const 5))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul
            (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=208 (local.get $w)) (i32.const 2))))
                     (f32.load (local.get $a)))
            (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum))))))
        (local.set $w (i32.add (local.get $w) (i32.const 210)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))

  ;; IQ4_XS x Q8_K: super-blocks of 136 bytes (d:f16, scales_h:u16, scales_l:u8[4], qs:u8[128]); run r
  ;; (of 8) has scale ((scales_l nibble r) | (scales_h bits 2r) << 4) - 32 and bytes qs[16r..16r+15],
  ;; low nibbles its values 0-15, high nibbles 16-31, through IQ4_NL's table.
  (func $dot_iq4_xs (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $run i32) (local $qs i32) (local $as i32) (local $high i32) (local $low i32)
    (local $isum v128) (local $q v128) (local $lo v128) (local $hi v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 136))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        (local.set $high (i32.load16_u offset=2 (local.get $w)))
        (local.set $low (i32.load offset=4 (local.get $w)))
        (local.set $run (i32.const 0))
        (local.set $qs (i32.add (local.get $w) (i32.const 8)))
        (local.set $as (i32.add (local.get $a) (i32.const 16)))
        (loop $runs
          (local.set $q (v128.load (local.get $qs)))
          (local.set $lo (i8x16.swizzle (v128.const i8x16 -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113)
            (v128.and (local.get $q) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))))
          (local.set $hi (i8x16.swizzle (v128.const i8x16 -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113)
            (i8x16.shr_u (local.get $q) (i32.const 4))))
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.mul
            (i32x4.splat
              (i32.sub
                (i32.or
                  (i32.and (i32.shr_u (local.get $low) (i32.shl (local.get $run) (i32.const 2))) (i32.const 15))
                  (i32.shl (i32.and (i32.shr_u (local.get $high) (i32.shl (local.get $run) (i32.const 1))) (i32.const 3)) (i32.const 4)))
                (i32.const 32)))
            (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $lo)) (v128.load (local.get $as)))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $lo)) (v128.load offset=16 (local.get $as))))
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $hi)) (v128.load offset=32 (local.get $as)))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $hi)) (v128.load offset=48 (local.get $as))))))))
          (local.set $qs (i32.add (local.get $qs) (i32.const 16)))
          (local.set $as (i32.add (local.get $as) (i32.const 64)))
          (local.set $run (i32.add (local.get $run) (i32.const 1)))
          (br_if $runs (i32.lt_u (local.get $run) (i32.const 8))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul
            (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u (local.get $w)) (i32.const 2))))
                     (f32.load (local.get $a)))
            (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum))))))
        (local.set $w (i32.add (local.get $w) (i32.const 136)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))

  ;; Q2_K x Q8_K: super-blocks of 84 bytes (scales:u8[16], qs:u8[64], d:f16, dmin:f16). Run r of 16 has
  ;; scale (low nibble) and min (high nibble) in byte r; value 128h + 32k + l is bits 2k of qs[32h + l].
  (func $dot_q2_k (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $half i32) (local $k i32) (local $as i32) (local $sc i32) (local $shift i32)
    (local $isum v128) (local $x v128) (local $qa v128) (local $qb v128) (local $qc v128) (local $qd v128)
    (local $mins v128) (local $dy f32)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 84))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        ;; sum over runs of min * (activation sum of the run)
        (local.set $x (i8x16.shr_u (v128.load (local.get $w)) (i32.const 4)))
        (local.set $mins (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.load offset=528 (local.get $a)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (v128.load offset=544 (local.get $a)))))
        (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mins) (local.get $mins))))
        (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $mins) (local.get $mins))))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        (local.set $half (i32.const 0))
        (loop $halves
          ;; bytes qs[32h + l] as i16: qa (l 0-7), qb (8-15), qc (16-23), qd (24-31)
          (local.set $x (v128.load offset=16 (i32.add (local.get $w) (i32.shl (local.get $half) (i32.const 5)))))
          (local.set $qa (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $qb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (v128.load offset=32 (i32.add (local.get $w) (i32.shl (local.get $half) (i32.const 5)))))
          (local.set $qc (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $qd (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $k (i32.const 0))
          (loop $ks
            ;; runs 8 half + 2k (l = 0..15) and 8 half + 2k + 1 (l = 16..31): widened values 16 + 2 * (128h + 32k + l)
            (local.set $as (i32.add (local.get $a) (i32.add (i32.const 16)
              (i32.add (i32.shl (local.get $half) (i32.const 8)) (i32.shl (local.get $k) (i32.const 6))))))
            (local.set $sc (i32.add (local.get $w) (i32.add (i32.shl (local.get $half) (i32.const 3)) (i32.shl (local.get $k) (i32.const 1)))))
            (local.set $shift (i32.shl (local.get $k) (i32.const 1)))
            (local.set $isum (i32x4.add (local.get $isum) (i32x4.add
              (i32x4.mul (i32x4.splat (i32.and (i32.load8_u (local.get $sc)) (i32.const 15))) (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $qa) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                                   (v128.load (local.get $as)))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $qb) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                                   (v128.load offset=16 (local.get $as)))))
              (i32x4.mul (i32x4.splat (i32.and (i32.load8_u offset=1 (local.get $sc)) (i32.const 15))) (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $qc) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                                   (v128.load offset=32 (local.get $as)))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $qd) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                                   (v128.load offset=48 (local.get $as))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $ks (i32.lt_u (local.get $k) (i32.const 4))))
          (local.set $half (i32.add (local.get $half) (i32.const 1)))
          (br_if $halves (i32.lt_u (local.get $half) (i32.const 2))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $dy (f32.load (local.get $a)))
        (local.set $sum (f32.add (local.get $sum)
          (f32.sub
            (f32.mul
              (f32.mul (local.get $dy) (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=80 (local.get $w)) (i32.const 2)))))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum))))
            (f32.mul
              (f32.mul (local.get $dy) (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=82 (local.get $w)) (i32.const 2)))))
              (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $mins)))))))
        (local.set $w (i32.add (local.get $w) (i32.const 84)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))

  ;; Q3_K x Q8_K: super-blocks of 110 bytes (hmask:u8[32], qs:u8[64], scales:u8[12], d:f16). Value
  ;; 128h + 32k + l is (bits 2k of qs[32h + l]) - (bit 4h + k of hmask[l] ? 0 : 4); runs of 16 have
  ;; signed 6-bit scales packed as KScales.q3Scale reads them.
  (func $dot_q3_k (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $half i32) (local $k i32) (local $run i32) (local $as i32) (local $shift i32)
    (local $isum v128) (local $x v128) (local $bit v128)
    (local $qa v128) (local $qb v128) (local $qc v128) (local $qd v128)
    (local $ma v128) (local $mb v128) (local $mc v128) (local $md v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 110))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        ;; hmask[l] as i16: ma (l 0-7), mb (8-15), mc (16-23), md (24-31)
        (local.set $x (v128.load (local.get $w)))
        (local.set $ma (i16x8.extend_low_i8x16_u (local.get $x)))
        (local.set $mb (i16x8.extend_high_i8x16_u (local.get $x)))
        (local.set $x (v128.load offset=16 (local.get $w)))
        (local.set $mc (i16x8.extend_low_i8x16_u (local.get $x)))
        (local.set $md (i16x8.extend_high_i8x16_u (local.get $x)))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        (local.set $half (i32.const 0))
        (loop $halves
          (local.set $x (v128.load offset=32 (i32.add (local.get $w) (i32.shl (local.get $half) (i32.const 5)))))
          (local.set $qa (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $qb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (v128.load offset=48 (i32.add (local.get $w) (i32.shl (local.get $half) (i32.const 5)))))
          (local.set $qc (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $qd (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $k (i32.const 0))
          (loop $ks
            (local.set $run (i32.add (i32.shl (local.get $half) (i32.const 3)) (i32.shl (local.get $k) (i32.const 1))))
            (local.set $as (i32.add (local.get $a) (i32.add (i32.const 16) (i32.shl (local.get $run) (i32.const 5)))))
            (local.set $shift (i32.shl (local.get $k) (i32.const 1)))
            (local.set $bit (i16x8.splat (i32.shl (i32.const 1) (i32.add (i32.shl (local.get $half) (i32.const 2)) (local.get $k)))))
            (local.set $isum (i32x4.add (local.get $isum) (i32x4.add
              ;; run 8 half + 2k: values l = 0..15
              (i32x4.mul (i32x4.splat (call $q3Scale (local.get $w) (local.get $run))) (i32x4.add
                (i32x4.dot_i16x8_s
                  (i16x8.sub (v128.and (i16x8.shr_u (local.get $qa) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                             (v128.and (i16x8.eq (v128.and (local.get $ma) (local.get $bit)) (v128.const i16x8 0 0 0 0 0 0 0 0))
                                       (v128.const i16x8 4 4 4 4 4 4 4 4)))
                  (v128.load (local.get $as)))
                (i32x4.dot_i16x8_s
                  (i16x8.sub (v128.and (i16x8.shr_u (local.get $qb) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                             (v128.and (i16x8.eq (v128.and (local.get $mb) (local.get $bit)) (v128.const i16x8 0 0 0 0 0 0 0 0))
                                       (v128.const i16x8 4 4 4 4 4 4 4 4)))
                  (v128.load offset=16 (local.get $as)))))
              ;; run 8 half + 2k + 1: values l = 16..31
              (i32x4.mul (i32x4.splat (call $q3Scale (local.get $w) (i32.add (local.get $run) (i32.const 1)))) (i32x4.add
                (i32x4.dot_i16x8_s
                  (i16x8.sub (v128.and (i16x8.shr_u (local.get $qc) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                             (v128.and (i16x8.eq (v128.and (local.get $mc) (local.get $bit)) (v128.const i16x8 0 0 0 0 0 0 0 0))
                                       (v128.const i16x8 4 4 4 4 4 4 4 4)))
                  (v128.load offset=32 (local.get $as)))
                (i32x4.dot_i16x8_s
                  (i16x8.sub (v128.and (i16x8.shr_u (local.get $qd) (local.get $shift)) (v128.const i16x8 3 3 3 3 3 3 3 3))
                             (v128.and (i16x8.eq (v128.and (local.get $md) (local.get $bit)) (v128.const i16x8 0 0 0 0 0 0 0 0))
                                       (v128.const i16x8 4 4 4 4 4 4 4 4)))
                  (v128.load offset=48 (local.get $as))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $ks (i32.lt_u (local.get $k) (i32.const 4))))
          (local.set $half (i32.add (local.get $half) (i32.const 1)))
          (br_if $halves (i32.lt_u (local.get $half) (i32.const 2))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul
            (f32.mul (f32.load (i32.add (global.get $halves) (i32.shl (i32.load16_u offset=108 (local.get $w)) (i32.const 2))))
                     (f32.load (local.get $a)))
            (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum))))))
        (local.set $w (i32.add (local.get $w) (i32.const 110)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))

  ;; Q3_K's signed scale of run j (0..15) from the 12 bytes at w + 96: low four bits from the nibbles of
  ;; bytes 0-7 (low nibbles first), top two bits from bytes 8-11, two bits per quarter; minus 32.
  (func $q3Scale (param $w i32) (param $j i32) (result i32)
    (i32.sub
      (i32.or
        (i32.and
          (i32.shr_u (i32.load8_u offset=96 (i32.add (local.get $w) (i32.and (local.get $j) (i32.const 7))))
                     (i32.shl (i32.shr_u (local.get $j) (i32.const 3)) (i32.const 2)))
          (i32.const 15))
        (i32.shl
          (i32.and
            (i32.shr_u (i32.load8_u offset=104 (i32.add (local.get $w) (i32.and (local.get $j) (i32.const 3))))
                       (i32.shl (i32.shr_u (local.get $j) (i32.const 2)) (i32.const 1)))
            (i32.const 3))
          (i32.const 4)))
      (i32.const 32)))

  ;; Four floats rounded to the nearest fp16 values (ties to even), as floats: exactly
  ;; Half.toFloat(Half.fromFloat(x)) lane by lane. Normal fp16 results round the 13 dropped mantissa
  ;; bits (a carry bumps the exponent); below the normal range, adding and taking away 0.5 rounds to a
  ;; multiple of 2^-24; 65520 and above become infinity; NaNs are made quiet.
  (func $toFp16x4 (param $x v128) (result v128)
    (local $magnitude v128) (local $sign v128)
    (local.set $magnitude (v128.and (local.get $x) (v128.const i32x4 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF)))
    (local.set $sign (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
    (v128.bitselect
      (v128.or (v128.and (local.get $x) (v128.const i32x4 0xFFFFE000 0xFFFFE000 0xFFFFE000 0xFFFFE000))
               (v128.const i32x4 0x400000 0x400000 0x400000 0x400000))
      (v128.bitselect
        (v128.or (local.get $sign) (v128.const i32x4 0x7F800000 0x7F800000 0x7F800000 0x7F800000))
        (v128.bitselect
          (v128.or (local.get $sign)
            (f32x4.sub (f32x4.add (local.get $magnitude) (v128.const f32x4 0.5 0.5 0.5 0.5)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
          (v128.and
            (i32x4.add (i32x4.add (local.get $x) (v128.const i32x4 0xFFF 0xFFF 0xFFF 0xFFF))
                       (v128.and (i32x4.shr_u (local.get $x) (i32.const 13)) (v128.const i32x4 1 1 1 1)))
            (v128.const i32x4 0xFFFFE000 0xFFFFE000 0xFFFFE000 0xFFFFE000))
          (i32x4.lt_s (local.get $magnitude) (v128.const i32x4 0x38800000 0x38800000 0x38800000 0x38800000)))
        (i32x4.ge_s (local.get $magnitude) (v128.const i32x4 0x477FF000 0x477FF000 0x477FF000 0x477FF000)))
      (i32x4.gt_s (local.get $magnitude) (v128.const i32x4 0x7F800000 0x7F800000 0x7F800000 0x7F800000))))

  ;; The value half of one attention head, as engine-common's FlashAttention accumulates it: for each
  ;; of $length positions p, acc = fp16(acc * ms[p]) when ms[p] is not 1 (the running maximum moved),
  ;; then acc = fp16(acc + v[p] * vs[p]), with (ms, vs) as f32 pairs at $weights. Value rows are fp16,
  ;; $rowBytes apart from $v; $acc is scratch of $headDim floats ($headDim a multiple of 4); the result,
  ;; acc * $inverse, goes to $out.
  (func (export "attendValues") (param $v i32) (param $rowBytes i32) (param $length i32) (param $headDim i32)
        (param $weights i32) (param $acc i32) (param $out i32) (param $inverse f32)
    (local $p i32) (local $d i32) (local $ms f32) (local $vs v128) (local $end i32)
    (local $h v128) (local $hm v128) (local $hs v128) (local $x v128) (local $magnitude v128) (local $rounded v128)
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $headDim) (i32.const 2))))
    (local.set $d (local.get $acc))
    (loop $zero
      (v128.store (local.get $d) (v128.const i32x4 0 0 0 0))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br_if $zero (i32.lt_u (local.get $d) (local.get $end))))
    (block $positionsDone
      (loop $positions
        (br_if $positionsDone (i32.ge_u (local.get $p) (local.get $length)))
        (local.set $ms (f32.load (local.get $weights)))
        (if (f32.ne (local.get $ms) (f32.const 1))
          (then
            (local.set $d (local.get $acc))
            (loop $rescale
              (v128.store (local.get $d)
                (call $toFp16x4 (f32x4.mul (v128.load (local.get $d)) (f32x4.splat (local.get $ms)))))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (br_if $rescale (i32.lt_u (local.get $d) (local.get $end))))))
        (local.set $vs (f32x4.splat (f32.load offset=4 (local.get $weights))))
        (local.set $d (i32.const 0))
        (loop $accumulate
          ;; $halves4 and $toFp16x4, written out: this loop is most of attention's time
          (local.set $h (i32x4.extend_low_i16x8_u (v128.load64_zero (i32.add (local.get $v) (i32.shl (local.get $d) (i32.const 1))))))
          (local.set $hm (v128.and (local.get $h) (v128.const i32x4 0x7FFF 0x7FFF 0x7FFF 0x7FFF)))
          (local.set $hs (i32x4.shl (local.get $hm) (i32.const 13)))
          (local.set $x (f32x4.add (v128.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))))
            (f32x4.mul
              (v128.or
                (i32x4.shl (v128.and (local.get $h) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000)) (i32.const 16))
                (v128.bitselect
                  (v128.or (local.get $hs) (v128.const i32x4 0x7F800000 0x7F800000 0x7F800000 0x7F800000))
                  (f32x4.mul (local.get $hs) (v128.const i32x4 0x77800000 0x77800000 0x77800000 0x77800000))
                  (i32x4.gt_s (local.get $hm) (v128.const i32x4 0x7BFF 0x7BFF 0x7BFF 0x7BFF))))
              (local.get $vs))))
          (local.set $magnitude (v128.and (local.get $x) (v128.const i32x4 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF)))
          (local.set $rounded (v128.and
            (i32x4.add (i32x4.add (local.get $x) (v128.const i32x4 0xFFF 0xFFF 0xFFF 0xFFF))
                       (v128.and (i32x4.shr_u (local.get $x) (i32.const 13)) (v128.const i32x4 1 1 1 1)))
            (v128.const i32x4 0xFFFFE000 0xFFFFE000 0xFFFFE000 0xFFFFE000)))
          ;; values outside the normal fp16 range (rare) take the general function
          (if (v128.any_true (v128.or
                (i32x4.lt_s (local.get $magnitude) (v128.const i32x4 0x38800000 0x38800000 0x38800000 0x38800000))
                (i32x4.ge_s (local.get $magnitude) (v128.const i32x4 0x477FF000 0x477FF000 0x477FF000 0x477FF000))))
            (then (local.set $rounded (call $toFp16x4 (local.get $x)))))
          (v128.store (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $rounded))
          (local.set $d (i32.add (local.get $d) (i32.const 4)))
          (br_if $accumulate (i32.lt_u (local.get $d) (local.get $headDim))))
        (local.set $v (i32.add (local.get $v) (local.get $rowBytes)))
        (local.set $weights (i32.add (local.get $weights) (i32.const 8)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $positions)))
    (local.set $d (i32.const 0))
    (loop $scale
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $d) (i32.const 2)))
        (f32x4.mul (v128.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))) (f32x4.splat (local.get $inverse))))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br_if $scale (i32.lt_u (local.get $d) (local.get $headDim)))))

  ;; The scores of one attention head, as FlashAttention computes them: for each of $length positions,
  ;; (f32) (sum over d, in order, in double, of q[d] * k[d]) * $scale, where q holds $headDim floats
  ;; (already fp16 values) and k is a row of fp16 keys ($rowBytes apart from $k). Two positions go
  ;; side by side, each with its own sum, so the additions of one overlap those of the other.
  (func (export "attendKeys") (param $k i32) (param $rowBytes i32) (param $length i32) (param $headDim i32)
        (param $q i32) (param $scale f32) (param $scores i32)
    (local $p i32) (local $d i32) (local $dot0 f64) (local $dot1 f64) (local $next i32) (local $qd f32)
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $length)))
        (local.set $next (i32.add (local.get $k) (local.get $rowBytes)))
        (local.set $dot0 (f64.const 0))
        (local.set $dot1 (f64.const 0))
        (local.set $d (i32.const 0))
        (loop $dims
          (local.set $qd (f32.load (i32.add (local.get $q) (i32.shl (local.get $d) (i32.const 2)))))
          (local.set $dot0 (f64.add (local.get $dot0) (f64.promote_f32 (f32.mul (local.get $qd)
            (f32.load (i32.add (global.get $halves)
              (i32.shl (i32.load16_u (i32.add (local.get $k) (i32.shl (local.get $d) (i32.const 1)))) (i32.const 2))))))))
          (local.set $dot1 (f64.add (local.get $dot1) (f64.promote_f32 (f32.mul (local.get $qd)
            (f32.load (i32.add (global.get $halves)
              (i32.shl (i32.load16_u (i32.add (local.get $next) (i32.shl (local.get $d) (i32.const 1)))) (i32.const 2))))))))
          (local.set $d (i32.add (local.get $d) (i32.const 1)))
          (br_if $dims (i32.lt_u (local.get $d) (local.get $headDim))))
        (f32.store (local.get $scores) (f32.mul (f32.demote_f64 (local.get $dot0)) (local.get $scale)))
        (f32.store offset=4 (local.get $scores) (f32.mul (f32.demote_f64 (local.get $dot1)) (local.get $scale)))
        (local.set $k (i32.add (local.get $next) (local.get $rowBytes)))
        (local.set $scores (i32.add (local.get $scores) (i32.const 8)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $length))
      (then
        (local.set $dot0 (f64.const 0))
        (local.set $d (i32.const 0))
        (loop $dims
          (local.set $dot0 (f64.add (local.get $dot0) (f64.promote_f32 (f32.mul
            (f32.load (i32.add (local.get $q) (i32.shl (local.get $d) (i32.const 2))))
            (f32.load (i32.add (global.get $halves)
              (i32.shl (i32.load16_u (i32.add (local.get $k) (i32.shl (local.get $d) (i32.const 1)))) (i32.const 2))))))))
          (local.set $d (i32.add (local.get $d) (i32.const 1)))
          (br_if $dims (i32.lt_u (local.get $d) (local.get $headDim))))
        (f32.store (local.get $scores) (f32.mul (f32.demote_f64 (local.get $dot0)) (local.get $scale))))))

  ;; Several activation rows at once for the formats that have a decoder (see matmul); 0 for the others.
  (func $matmulDecoded (param $kind i32) (param $w i32) (param $rowBytes i32) (param $rows i32)
        (param $act i32) (param $stride i32) (param $n i32) (param $count i32)
        (param $out i32) (param $outStride i32) (param $decoded i32) (result i32)
    (local $r i32) (local $t i32) (local $a i32) (local $o i32) (local $family i32)
    ;; family 1: 32-blocks against Q8_0 ($dotDecoded32); 2: K-quant with minimums; 3: K-quant without
    (local.set $family
      (select (i32.const 1)
        (select (i32.const 2) (select (i32.const 3) (i32.const 0) (i32.eq (local.get $kind) (i32.const 7)))
                (i32.eq (local.get $kind) (i32.const 6)))
        (i32.or (i32.eq (local.get $kind) (i32.const 2)) (i32.eq (local.get $kind) (i32.const 3)))))
    (if (i32.eqz (local.get $family)) (then (return (i32.const 0))))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (if (i32.eq (local.get $kind) (i32.const 2)) (then (call $decode_q8_0 (local.get $w) (local.get $count) (local.get $decoded))))
        (if (i32.eq (local.get $kind) (i32.const 3)) (then (call $decode_q4_0 (local.get $w) (local.get $count) (local.get $decoded))))
        (if (i32.eq (local.get $kind) (i32.const 6)) (then (call $decode_q4_k (local.get $w) (local.get $count) (local.get $decoded))))
        (if (i32.eq (local.get $kind) (i32.const 7)) (then (call $decode_q6_k (local.get $w) (local.get $count) (local.get $decoded))))
        (local.set $t (i32.const 0))
        (local.set $a (local.get $act))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))))
        (block $tokensDone
          (loop $eachToken
            (br_if $tokensDone (i32.ge_u (local.get $t) (local.get $n)))
            (f32.store (local.get $o)
              (if (result f32) (i32.eq (local.get $family) (i32.const 1))
                (then (call $dotDecoded32 (local.get $decoded) (local.get $a) (local.get $count)))
                (else (call $dotDecodedK (local.get $decoded) (local.get $a) (local.get $count)
                                         (i32.eq (local.get $family) (i32.const 2))))))
            (local.set $a (i32.add (local.get $a) (local.get $stride)))
            (local.set $o (i32.add (local.get $o) (local.get $outStride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $eachToken)))
        (local.set $w (i32.add (local.get $w) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $eachRow)))
    (i32.const 1))

  ;; A Q8_0 row decoded as widened activations are: per block of 32, d as f32, then the values as i16
  ;; from byte 16 (80 bytes).
  (func $decode_q8_0 (param $w i32) (param $count i32) (param $dst i32)
    (local $end i32) (local $x v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 34))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (f32.store (local.get $dst) (call $half (local.get $w)))
        (local.set $x (v128.load offset=2 (local.get $w)))
        (v128.store offset=16 (local.get $dst) (i16x8.extend_low_i8x16_s (local.get $x)))
        (v128.store offset=32 (local.get $dst) (i16x8.extend_high_i8x16_s (local.get $x)))
        (local.set $x (v128.load offset=18 (local.get $w)))
        (v128.store offset=48 (local.get $dst) (i16x8.extend_low_i8x16_s (local.get $x)))
        (v128.store offset=64 (local.get $dst) (i16x8.extend_high_i8x16_s (local.get $x)))
        (local.set $w (i32.add (local.get $w) (i32.const 34)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 80)))
        (br $blocks))))

  ;; A Q4_0 row decoded as Q8_0's: values nibble - 8.
  (func $decode_q4_0 (param $w i32) (param $count i32) (param $dst i32)
    (local $end i32) (local $q v128) (local $qa v128) (local $qb v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 18))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (f32.store (local.get $dst) (call $half (local.get $w)))
        (local.set $q (v128.load offset=2 (local.get $w)))
        (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
        (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
        (v128.store offset=16 (local.get $dst)
          (i16x8.sub (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.const i16x8 8 8 8 8 8 8 8 8)))
        (v128.store offset=32 (local.get $dst)
          (i16x8.sub (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15)) (v128.const i16x8 8 8 8 8 8 8 8 8)))
        (v128.store offset=48 (local.get $dst)
          (i16x8.sub (i16x8.shr_u (local.get $qa) (i32.const 4)) (v128.const i16x8 8 8 8 8 8 8 8 8)))
        (v128.store offset=64 (local.get $dst)
          (i16x8.sub (i16x8.shr_u (local.get $qb) (i32.const 4)) (v128.const i16x8 8 8 8 8 8 8 8 8)))
        (local.set $w (i32.add (local.get $w) (i32.const 18)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 80)))
        (br $blocks))))

  ;; A decoded 32-block row (d as f32, values as i16) against widened Q8_0: sum += sumi * (d * dy),
  ;; as the direct kernels.
  (func $dotDecoded32 (param $w i32) (param $a i32) (param $count i32) (result f32)
    (local $end i32) (local $sum f32) (local $p v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 5)) (i32.const 80))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $p (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=16 (local.get $w)) (v128.load offset=16 (local.get $a)))
            (i32x4.dot_i16x8_s (v128.load offset=32 (local.get $w)) (v128.load offset=32 (local.get $a))))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=48 (local.get $w)) (v128.load offset=48 (local.get $a)))
            (i32x4.dot_i16x8_s (v128.load offset=64 (local.get $w)) (v128.load offset=64 (local.get $a))))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))
        (local.set $p (i32x4.add (local.get $p) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $p) (local.get $p))))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $p)))
                   (f32.mul (f32.load (local.get $w)) (f32.load (local.get $a))))))
        (local.set $w (i32.add (local.get $w) (i32.const 80)))
        (local.set $a (i32.add (local.get $a) (i32.const 80)))
        (br $blocks)))
    (local.get $sum))

  ;; A Q4_K row decoded per super-block of 256 (560 bytes): d and dmin as f32 at 0 and 4, the eight
  ;; minimums as i32 from 16, and from 48 each value times its run's scale as i16 (at most 15 * 63).
  (func $decode_q4_k (param $w i32) (param $count i32) (param $dst i32)
    (local $end i32) (local $u0 i32) (local $u1 i32) (local $u2 i32) (local $sc0 i32) (local $sc1 i32) (local $sc i32)
    (local $pair i32) (local $qs i32) (local $out i32) (local $q v128) (local $qa v128) (local $qb v128)
    (local $lo v128) (local $hi v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 144))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (f32.store (local.get $dst) (call $half (local.get $w)))
        (f32.store offset=4 (local.get $dst) (call $half (i32.add (local.get $w) (i32.const 2))))
        (local.set $u0 (i32.load offset=4 (local.get $w)))
        (local.set $u1 (i32.load offset=8 (local.get $w)))
        (local.set $u2 (i32.load offset=12 (local.get $w)))
        (local.set $sc0 (i32.and (local.get $u0) (i32.const 0x3F3F3F3F)))
        (local.set $sc1 (i32.or (i32.and (local.get $u2) (i32.const 0x0F0F0F0F))
          (i32.shl (i32.and (i32.shr_u (local.get $u0) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
        (v128.store offset=16 (local.get $dst)
          (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (i32x4.splat (i32.and (local.get $u1) (i32.const 0x3F3F3F3F))))))
        (v128.store offset=32 (local.get $dst)
          (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (i32x4.splat
            (i32.or (i32.and (i32.shr_u (local.get $u2) (i32.const 4)) (i32.const 0x0F0F0F0F))
              (i32.shl (i32.and (i32.shr_u (local.get $u1) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4)))))))
        (local.set $pair (i32.const 0))
        (local.set $qs (i32.add (local.get $w) (i32.const 16)))
        (local.set $out (i32.add (local.get $dst) (i32.const 48)))
        (loop $pairs
          (local.set $sc (i32.shr_u
            (select (local.get $sc0) (local.get $sc1) (i32.lt_u (local.get $pair) (i32.const 2)))
            (i32.shl (i32.and (local.get $pair) (i32.const 1)) (i32.const 4))))
          (local.set $lo (i16x8.splat (i32.and (local.get $sc) (i32.const 0xFF))))
          (local.set $hi (i16x8.splat (i32.and (i32.shr_u (local.get $sc) (i32.const 8)) (i32.const 0xFF))))
          (local.set $q (v128.load (local.get $qs)))
          (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
          (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
          (v128.store (local.get $out) (i16x8.mul (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15)) (local.get $lo)))
          (v128.store offset=16 (local.get $out) (i16x8.mul (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15)) (local.get $lo)))
          (v128.store offset=64 (local.get $out) (i16x8.mul (i16x8.shr_u (local.get $qa) (i32.const 4)) (local.get $hi)))
          (v128.store offset=80 (local.get $out) (i16x8.mul (i16x8.shr_u (local.get $qb) (i32.const 4)) (local.get $hi)))
          (local.set $q (v128.load offset=16 (local.get $qs)))
          (local.set $qa (i16x8.extend_low_i8x16_u (local.get $q)))
          (local.set $qb (i16x8.extend_high_i8x16_u (local.get $q)))
          (v128.store offset=32 (local.get $out) (i16x8.mul (v128.and (local.get $qa) (v128.const i16x8 15 15 15 15 15 15 15 15)) (local.get $lo)))
          (v128.store offset=48 (local.get $out) (i16x8.mul (v128.and (local.get $qb) (v128.const i16x8 15 15 15 15 15 15 15 15)) (local.get $lo)))
          (v128.store offset=96 (local.get $out) (i16x8.mul (i16x8.shr_u (local.get $qa) (i32.const 4)) (local.get $hi)))
          (v128.store offset=112 (local.get $out) (i16x8.mul (i16x8.shr_u (local.get $qb) (i32.const 4)) (local.get $hi)))
          (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
          (local.set $out (i32.add (local.get $out) (i32.const 128)))
          (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
          (br_if $pairs (i32.lt_u (local.get $pair) (i32.const 4))))
        (local.set $w (i32.add (local.get $w) (i32.const 144)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 560)))
        (br $blocks))))

  ;; A Q6_K row decoded as Q4_K's (no minimums): each value (q - 32) times its run's scale as i16
  ;; (at most 32 * 128).
  (func $decode_q6_k (param $w i32) (param $count i32) (param $dst i32)
    (local $end i32) (local $quarter i32) (local $ql i32) (local $out i32) (local $sc i32)
    (local $x v128) (local $la v128) (local $lb v128) (local $ma v128) (local $mb v128) (local $ha v128) (local $hb v128)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 210))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (f32.store (local.get $dst) (call $half (i32.add (local.get $w) (i32.const 208))))
        (local.set $quarter (i32.const 0))
        (loop $quarters
          (local.set $ql (i32.add (local.get $w)
            (i32.add (i32.shl (i32.shr_u (local.get $quarter) (i32.const 1)) (i32.const 6))
                     (i32.shl (i32.and (local.get $quarter) (i32.const 1)) (i32.const 4)))))
          ;; values 128h + 32k + 16c + (0..15) at 48 + 2 * that
          (local.set $out (i32.add (local.get $dst)
            (i32.add (i32.const 48)
              (i32.add (i32.shl (i32.shr_u (local.get $quarter) (i32.const 1)) (i32.const 8))
                       (i32.shl (i32.and (local.get $quarter) (i32.const 1)) (i32.const 5))))))
          (local.set $sc (i32.add (local.get $w)
            (i32.add (i32.const 192)
              (i32.add (i32.shl (i32.shr_u (local.get $quarter) (i32.const 1)) (i32.const 3))
                       (i32.and (local.get $quarter) (i32.const 1))))))
          (local.set $x (v128.load (local.get $ql)))
          (local.set $la (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $lb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (v128.load offset=32 (local.get $ql)))
          (local.set $ma (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $mb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (v128.load offset=128 (i32.add (local.get $w) (i32.shl (local.get $quarter) (i32.const 4)))))
          (local.set $ha (i16x8.extend_low_i8x16_u (local.get $x)))
          (local.set $hb (i16x8.extend_high_i8x16_u (local.get $x)))
          (local.set $x (i16x8.splat (i32.load8_s (local.get $sc))))
          (v128.store (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (v128.and (local.get $la) (v128.const i16x8 15 15 15 15 15 15 15 15))
            (v128.and (i16x8.shl (local.get $ha) (i32.const 4)) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (v128.store offset=16 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (v128.and (local.get $lb) (v128.const i16x8 15 15 15 15 15 15 15 15))
            (v128.and (i16x8.shl (local.get $hb) (i32.const 4)) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (local.set $x (i16x8.splat (i32.load8_s offset=2 (local.get $sc))))
          (v128.store offset=64 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (v128.and (local.get $ma) (v128.const i16x8 15 15 15 15 15 15 15 15))
            (v128.and (i16x8.shl (local.get $ha) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (v128.store offset=80 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (v128.and (local.get $mb) (v128.const i16x8 15 15 15 15 15 15 15 15))
            (v128.and (i16x8.shl (local.get $hb) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (local.set $x (i16x8.splat (i32.load8_s offset=4 (local.get $sc))))
          (v128.store offset=128 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (i16x8.shr_u (local.get $la) (i32.const 4))
            (v128.and (local.get $ha) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (v128.store offset=144 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (i16x8.shr_u (local.get $lb) (i32.const 4))
            (v128.and (local.get $hb) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (local.set $x (i16x8.splat (i32.load8_s offset=6 (local.get $sc))))
          (v128.store offset=192 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (i16x8.shr_u (local.get $ma) (i32.const 4))
            (v128.and (i16x8.shr_u (local.get $ha) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (v128.store offset=208 (local.get $out) (i16x8.mul (local.get $x) (i16x8.sub (v128.or (i16x8.shr_u (local.get $mb) (i32.const 4))
            (v128.and (i16x8.shr_u (local.get $hb) (i32.const 2)) (v128.const i16x8 48 48 48 48 48 48 48 48))) (v128.const i16x8 32 32 32 32 32 32 32 32))))
          (local.set $quarter (i32.add (local.get $quarter) (i32.const 1)))
          (br_if $quarters (i32.lt_u (local.get $quarter) (i32.const 4))))
        (local.set $w (i32.add (local.get $w) (i32.const 210)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 560)))
        (br $blocks))))

  ;; A decoded K-quant row against widened Q8_K: isum = sum of (value * scale) * a; with $minimums,
  ;; sum += d*dy*isum - dmin*dy*(minimums . run sums) (Q4_K), else sum += d*dy*isum (Q6_K).
  (func $dotDecodedK (param $w i32) (param $a i32) (param $count i32) (param $minimums i32) (result f32)
    (local $end i32) (local $sum f32) (local $i i32) (local $isum v128) (local $mins v128) (local $dy f32) (local $x f32)
    (local.set $end (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $count) (i32.const 8)) (i32.const 560))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $isum (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (loop $values
          (local.set $isum (i32x4.add (local.get $isum) (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.load offset=48 (i32.add (local.get $w) (local.get $i))) (v128.load offset=16 (i32.add (local.get $a) (local.get $i))))
              (i32x4.dot_i16x8_s (v128.load offset=64 (i32.add (local.get $w) (local.get $i))) (v128.load offset=32 (i32.add (local.get $a) (local.get $i)))))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.load offset=80 (i32.add (local.get $w) (local.get $i))) (v128.load offset=48 (i32.add (local.get $a) (local.get $i))))
              (i32x4.dot_i16x8_s (v128.load offset=96 (i32.add (local.get $w) (local.get $i))) (v128.load offset=64 (i32.add (local.get $a) (local.get $i))))))))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br_if $values (i32.lt_u (local.get $i) (i32.const 512))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $isum) (local.get $isum))))
        (local.set $isum (i32x4.add (local.get $isum) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $isum) (local.get $isum))))
        (local.set $dy (f32.load (local.get $a)))
        (local.set $x (f32.mul (f32.mul (f32.load (local.get $w)) (local.get $dy))
                               (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $isum)))))
        (if (local.get $minimums)
          (then
            (local.set $mins (i32x4.add
              (i32x4.mul (v128.load offset=16 (local.get $w)) (i32x4.extadd_pairwise_i16x8_s (v128.load offset=528 (local.get $a))))
              (i32x4.mul (v128.load offset=32 (local.get $w)) (i32x4.extadd_pairwise_i16x8_s (v128.load offset=544 (local.get $a))))))
            (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mins) (local.get $mins))))
            (local.set $mins (i32x4.add (local.get $mins) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $mins) (local.get $mins))))
            (local.set $x (f32.sub (local.get $x)
              (f32.mul (f32.mul (f32.load offset=4 (local.get $w)) (local.get $dy))
                       (f32.convert_i32_s (i32x4.extract_lane 0 (local.get $mins))))))))
        (local.set $sum (f32.add (local.get $sum) (local.get $x)))
        (local.set $w (i32.add (local.get $w) (i32.const 560)))
        (local.set $a (i32.add (local.get $a) (i32.const 560)))
        (br $blocks)))
    (local.get $sum))
)
