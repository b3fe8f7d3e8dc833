// Embedded lookup data for guessing a member's time zone when none is given: US ZIP code prefixes (3 digits) and
// North American area codes. A state or area code split across zones gets the zone where most of its people live;
// the best-known splits (El Paso, the Florida panhandle, western Kentucky, eastern Tennessee, north-west Indiana,
// the Idaho panhandle, western South Dakota and Nebraska) are listed separately.

const EASTERN = 'America/New_York';
const CENTRAL = 'America/Chicago';
const MOUNTAIN = 'America/Denver';
const PACIFIC = 'America/Los_Angeles';

/** [first prefix, last prefix, zone] — inclusive ranges of 3-digit ZIP prefixes, by state. */
const ZIP_RANGES: ReadonlyArray<readonly [number, number, string]> = [
  [5, 5, EASTERN], // NY (Holtsville)
  [6, 7, 'America/Puerto_Rico'],
  [8, 8, 'America/St_Thomas'], // US Virgin Islands
  [9, 9, 'America/Puerto_Rico'],
  [10, 27, EASTERN], // MA
  [28, 29, EASTERN], // RI
  [30, 38, EASTERN], // NH
  [39, 49, EASTERN], // ME
  [50, 59, EASTERN], // VT (055: MA)
  [60, 69, EASTERN], // CT
  [70, 89, EASTERN], // NJ
  [100, 149, EASTERN], // NY
  [150, 196, EASTERN], // PA
  [197, 199, EASTERN], // DE
  [200, 205, EASTERN], // DC
  [206, 219, EASTERN], // MD
  [220, 246, EASTERN], // VA
  [247, 268, EASTERN], // WV
  [270, 289, EASTERN], // NC
  [290, 299, EASTERN], // SC
  [300, 319, EASTERN], // GA
  [320, 349, EASTERN], // FL
  [350, 369, CENTRAL], // AL
  [370, 385, CENTRAL], // TN
  [386, 397, CENTRAL], // MS
  [398, 399, EASTERN], // GA
  [400, 427, EASTERN], // KY
  [430, 459, EASTERN], // OH
  [460, 479, 'America/Indiana/Indianapolis'], // IN
  [480, 499, 'America/Detroit'], // MI
  [500, 528, CENTRAL], // IA
  [530, 549, CENTRAL], // WI
  [550, 567, CENTRAL], // MN
  [569, 569, EASTERN], // DC
  [570, 577, CENTRAL], // SD
  [580, 588, CENTRAL], // ND
  [590, 599, MOUNTAIN], // MT
  [600, 629, CENTRAL], // IL
  [630, 658, CENTRAL], // MO
  [660, 679, CENTRAL], // KS
  [680, 693, CENTRAL], // NE
  [700, 714, CENTRAL], // LA
  [716, 729, CENTRAL], // AR
  [730, 732, CENTRAL], // OK
  [733, 733, CENTRAL], // TX (Austin)
  [734, 749, CENTRAL], // OK
  [750, 799, CENTRAL], // TX
  [800, 816, MOUNTAIN], // CO
  [820, 831, MOUNTAIN], // WY
  [832, 838, 'America/Boise'], // ID
  [840, 847, MOUNTAIN], // UT
  [850, 865, 'America/Phoenix'], // AZ
  [870, 884, MOUNTAIN], // NM
  [885, 885, MOUNTAIN], // TX (El Paso)
  [889, 898, PACIFIC], // NV
  [900, 961, PACIFIC], // CA
  [967, 968, 'Pacific/Honolulu'], // HI
  [969, 969, 'Pacific/Guam'], // GU, MP
  [970, 979, PACIFIC], // OR
  [980, 994, PACIFIC], // WA
  [995, 999, 'America/Anchorage'], // AK
];

/** Prefixes in a different zone from the rest of their state. */
const ZIP_EXCEPTIONS: ReadonlyArray<readonly [number, string]> = [
  [324, CENTRAL], // FL: Panama City
  [325, CENTRAL], // FL: Pensacola
  [373, EASTERN], // TN: Chattanooga
  [374, EASTERN],
  [376, EASTERN], // TN: Johnson City
  [377, EASTERN], // TN: Knoxville
  [378, EASTERN],
  [379, EASTERN],
  [420, CENTRAL], // KY: Paducah
  [421, CENTRAL], // KY: Bowling Green
  [422, CENTRAL],
  [423, CENTRAL], // KY: Owensboro
  [424, CENTRAL], // KY: Henderson
  [463, CENTRAL], // IN: Gary
  [464, CENTRAL],
  [476, CENTRAL], // IN: Evansville
  [477, CENTRAL],
  [577, MOUNTAIN], // SD: Rapid City
  [693, MOUNTAIN], // NE: Scottsbluff
  [798, MOUNTAIN], // TX: El Paso
  [799, MOUNTAIN],
  [835, PACIFIC], // ID: Lewiston
  [838, PACIFIC], // ID: Coeur d'Alene
  [979, 'America/Boise'], // OR: Ontario
];

function buildZipTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [from, to, zone] of ZIP_RANGES) {
    for (let prefix = from; prefix <= to; prefix++) table.set(String(prefix).padStart(3, '0'), zone);
  }
  for (const [prefix, zone] of ZIP_EXCEPTIONS) table.set(String(prefix).padStart(3, '0'), zone);
  return table;
}

/** 3-digit ZIP prefix ("787") → IANA zone. */
export const ZIP_PREFIX_ZONES: ReadonlyMap<string, string> = buildZipTable();

/** Area codes by zone (US, Canada and the US territories on +1). */
const AREA_CODES: ReadonlyArray<readonly [string, string]> = [
  // Eastern
  [
    EASTERN,
    // CT, DE, DC, FL (peninsula), GA, ME, MD, MA, NH, NJ, NY, NC, OH, PA, RI, SC, VT, VA, WV, KY (east)
    '203 475 860 959 302 202 771 239 305 321 352 386 407 561 656 689 727 728 754 772 786 813 863 904 941 954 ' +
      '229 404 470 478 678 706 762 770 912 943 207 227 240 301 410 443 667 339 351 413 508 617 774 781 857 978 ' +
      '603 201 551 609 640 732 848 856 862 908 973 212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 ' +
      '718 838 845 914 917 929 934 252 336 472 704 743 828 910 919 980 984 216 220 234 283 326 330 380 419 436 ' +
      '440 513 567 614 740 937 215 223 267 272 412 445 484 570 582 610 717 724 814 835 878 401 803 821 839 843 ' +
      '854 864 802 276 434 540 571 686 703 757 804 826 948 304 681 502 606 859 423 865',
  ],
  ['America/Detroit', '231 248 269 313 517 586 616 679 734 810 906 947 989'],
  ['America/Indiana/Indianapolis', '260 317 463 574 765 812 930'],
  // Central: AL, AR, FL (panhandle), IL, IN (north-west), IA, KS, KY (west), LA, MN, MS, MO, NE, ND, OK, SD, TN, TX, WI
  [
    CENTRAL,
    '205 251 256 334 659 938 327 479 501 870 448 850 217 224 309 312 331 447 464 618 630 708 730 773 779 815 ' +
      '847 861 872 219 319 515 563 641 712 316 620 785 913 270 364 225 318 337 504 985 218 320 507 612 651 763 ' +
      '952 228 601 662 769 314 417 557 573 636 660 816 975 308 402 531 701 405 539 572 580 918 605 615 629 731 ' +
      '901 931 210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 936 940 945 ' +
      '956 972 979 262 274 414 534 608 715 920',
  ],
  // Mountain: CO, MT, NM, UT, WY, TX (El Paso)
  [MOUNTAIN, '303 719 720 970 983 406 505 575 385 435 801 307 915'],
  ['America/Boise', '208 986'],
  ['America/Phoenix', '480 520 602 623 928'],
  // Pacific: CA, NV, OR, WA
  [
    PACIFIC,
    '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 ' +
      '760 805 818 820 831 840 858 909 916 925 949 951 702 725 775 458 503 541 971 206 253 360 425 509 564',
  ],
  ['America/Anchorage', '907'],
  ['Pacific/Honolulu', '808'],
  ['America/Puerto_Rico', '787 939'],
  ['America/St_Thomas', '340'],
  ['Pacific/Guam', '671'],
  ['Pacific/Saipan', '670'],
  ['Pacific/Pago_Pago', '684'],
  // Canada
  [
    'America/Toronto',
    '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 905 263 354 367 418 438 450 468 514 579 581 819 873',
  ],
  ['America/Winnipeg', '204 431 584'],
  ['America/Regina', '306 474 639'],
  ['America/Edmonton', '368 403 587 780 825'],
  ['America/Vancouver', '236 250 604 672 778'],
  ['America/Moncton', '428 506'],
  ['America/Halifax', '782 902'],
  ['America/St_Johns', '709 879'],
];

function buildAreaCodeTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [zone, codes] of AREA_CODES) {
    for (const code of codes.split(' ')) table.set(code, zone);
  }
  return table;
}

/** 3-digit North American area code ("512") → IANA zone. */
export const AREA_CODE_ZONES: ReadonlyMap<string, string> = buildAreaCodeTable();
