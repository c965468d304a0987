"""Anatomic sites the tumour involves, primary or metastatic, with laterality.

A site word counts when its sentence is about the tumour (a tumour, mass,
lesion, metastasis, invasion ... is named) and the word is not only the place
of a symptom ('back pain', 'lower limb weakness'), of an examination ('CT of
the chest, abdomen and pelvis'), of a compression ('compressing the spinal
cord'), of a benign finding, or a tissue descriptor ('soft tissue mass',
'bone lesion'). It is metastatic when the text says so next to it ('liver
metastases', 'metastasis to the spine and femur', 'metastatic spine and femur').
Involved vertebrae add their region's site; the final type's own name adds its
organ ('uterine leiomyosarcoma' -> uterus).
"""
from __future__ import annotations

import bisect
import re

from sarcokg.model.facts import LevelFact, SiteFact, Span
from sarcokg.model.terms import Terms

from .context import BREAK_RX, HYPO_GATE, HYPO_RX, Zones, hypothetical, negated
from .lexicon import Lexicon, Mention
from .textprep import AnyOf, Caseless, Keyed, Needs, Sentence, Words, normalise

# Caseless patterns run on the lowercased Sentence.low, without re.I's slow scan
INVOLVE_RX = Caseless(
    r"\b(?:tumou?rs?|tumou?ral|mass(?:es)?|lesions?|neoplasms?|malignan\w*|metasta\w*|nodules?|nodular|involv\w*|invad\w*|"
    r"invasion|infiltrat\w*|extend\w*|extension|destruct\w*|destroy\w*|located|locali[sz]ed|originat\w*|aris\w*|"
    r"arose|affect\w*|lytic|osteolytic|collapse|fracture|recurr\w*|relaps\w*|progression|residual|spread|sarcomas?|"
    r"deposits?|secondaries|foci|implants|seeding|disseminat\w*|"
    r"biops\w*|resect\w*|excis\w*|abnormalit\w*|growths?|lumps?|stump|primary)\b")
SYMPTOM_AFTER_RX = re.compile(
    r"^[\s-]*(?:\w+\s+)?(?:pain|painful|ache|aches|weakness|numbness|paresthesias?|paraesthesias?|reflexes|"
    r"radicul\w*|\w*paresis|\w*plegi\w*|discomfort|tenderness|bleeding|circumference|heaviness|"
    r"cough|dyspnea|edema|oedema|claudication|syndromes?|compression|injury|dysfunction|deficits?|symptoms?|"
    r"failure|arrest|infarction|insufficiency|function|tamponade|paralysis|palsy|spasticity|hypoesthesia|"
    r"analgesia|displacement|deviation|effacement|instability)\b", re.I)
# an organ named for another illness: 'ischaemic cardiac disease', 'chronic renal disease'
NONTUMOUR_BEFORE_RX = re.compile(r"\b(?:ischa?emic|coronary|congestive|chronic|obstructive|degenerative|inflammatory|"
                                 r"infectious|interstitial|fatty|neurogenic)\s+(?:[\w-]+\s+(?:and\s+)?)?$", re.I)
# cheap first looks (plain alternations on lowercased text) before the anchored patterns above
# (Words: asked only whether a string holds one of the words, in one Aho-Corasick pass)
_IMAGING_HINT = Words(re.compile(r"tomograph|ct|mri|magnetic|ultraso|sonograph|radiograph|ray|scan|imaging|"
                                 r"angiograph|film|exam|scintigra"))
_DISPLACE_HINT = re.compile(r"push|displac|shift|abut|indent|adjacent|close to|near|contact|below|above|beneath|"
                            r"caudal|elevat|"
                            r"cranial|mass effect|(?:rior|eral|dial) (?:and |or |\w+ )?to|proximity|"
                            r"(?:sed|eed|ted|led|ned|nct|ate|ble) from|(?:free|off|away) from|adher")
# asked only whether a string holds a match: its literal words in one pass (AnyOf)
_DISPLACE_HINT_ANY = AnyOf(_DISPLACE_HINT)
_NONTUMOUR_HINT = Words(re.compile(r"isch|coronary|congestive|chronic|obstructive|degenerative|inflammatory|"
                                   r"infectious|interstitial|fatty|neurogenic"))
# the compartment of a spinal tumour: 'intramedullary cervical spine tumour' is in the cord
COMPARTMENT_BEFORE_RX = re.compile(r"\b(?P<c>intramedullary|intradural|extradural|epidural|extramedullary)\s+"
                                   r"(?:(?:cervical|thoracic|lumbar|dorsal|sacral)\s+)?$", re.I)
SYMPTOM_BEFORE_RX = re.compile(
    r"\b(?:pain|ache|weakness|numbness|paraesthesias?|paresthesias?|reflexes|paresis|paraparesis|radiating|"
    r"radiculopathy|sciatica|sensation|sensory|dermatomes?|discomfort|heaviness|tenderness|paraly[sz]\w*|palsy|"
    r"\w*plegia|analgesia|(?:hyp|dys|an)a?esthesias?)\s+(?:[\w-]+\s+){0,5}$"
    # a function lost: 'inability to hold objects in both hands', 'difficulty in using her right arm'
    r"|\b(?:inability|unable|difficulty|difficulties)\s+(?:[\w-]+\s+){0,7}$",
    re.I)
IMAGING_OF_RX = Caseless(
    r"(?:tomography|\bct\b|\bmri\b|imaging|scans?|radiographs?|x" + r"[\s-]?rays?|ultraso\w+|sonograph\w*|\bpet\b|"
    r"scintigraph\w*|examination)(?:\s*\([^)]*\))?\s+of\s+(?:the\s+)?"
    r"(?:[\w-]+\s*(?:,|\band\b|\bor\b)\s*(?:the\s+)?){0,6}(?:[\w-]+\s+)?$"
    # the regions written straight after the scan: 'restaging CT brain, thorax, abdomen and pelvis'
    r"|\b(?:ct|mri|pet)\s+(?:[\w-]+\s*(?:,|\band\b)\s*){0,6}$", keyed=True)
_SYMPTOM_HINT = Words(re.compile(r"pain|ache|weakness|numbness|paresthes|paraesthes|reflex|paresis|radiating|"
                                 r"discomfort|inability|unable|difficult|"
                                 r"radiculopathy|sciatica|sensation|sensory|dermatome|"
                                 r"heaviness|tenderness|paraly|palsy|plegia|esthesia|analgesia"))
# (and the lung the mass collapses: 'total atelectasis of the lung'; the cord an operation decompresses)
COMPRESS_RX = re.compile(r"\b(?:(?:de)?compress|constrict|encroach|atelecta|encas)\w*\s+(?:[\w-]+\s+){0,5}$", re.I)
# a diagnosis the case corrected: 'mistakenly labelled as a case of retroperitoneal sarcoma'
MISTAKEN_BEFORE_RX = re.compile(r"\b(?:mistaken(?:ly)?|wrongly|erroneously|misdiagnosed)\s+(?:\w+\s+){0,2}?"
                                r"(?:as\s+)?(?:(?:an?|the)\s+)?(?:case\s+of\s+(?:an?\s+)?)?(?:[\w-]+\s+)?$", re.I)
# a site that only names where an examination looked: 'abdominal CT', 'chest radiograph', 'pelvic MRI'
IMAGING_AFTER_RX = re.compile(r"^[\s-]*(?:(?:and|or|/)\s*[\w-]+\s+|"
                              # 'abdominal-pelvic MRI', 'abdomino-pelvic CT'
                              r"(?:pelvi\w*|abdomin\w*|thora\w*|chest|neck|spin\w*)\s+)?(?:contrast[\s-]+enhanced\s+)?"
                              r"(?:computed\s+tomograph\w*|"
                              r"ct\b|mri\b|magnetic\s+resonance|ultraso\w+|sonograph\w*|radiograph\w*|x[\s-]?rays?|"
                              r"scans?\b|imaging|angiograph\w*|films?\b|examination|exam\b|scintigra\w*)", re.I)
# a neighbour the tumour only touches: 'pushing the ureter', 'abutting the aorta', 'displacing the bladder'
DISPLACE_RX = re.compile(r"\b(?:push\w*|displac\w*(?:\s+of)?|shift\w*|abut\w*|indent\w*|adjacent\s+to|close\s+to|near|"
                         # raised by the mass: 'causing elevation of the right diaphragm'
                         r"elevat\w*(?:\s+of)?|"
                         # 'the proximity of the lesion to the aorta and renal vessels'
                         r"proximity\s+(?:of\s+(?:the\s+)?[\w-]+\s+)?to|"
                         # taken off it at surgery: 'the tumour was released from the lung', 'dissected free from'
                         r"(?:released|freed|separated|detached|peeled|dissected(?:\s+(?:free|off|away))?)\s+from|"
                         # stuck to it, not grown into it: 'adhered to the aorta, trachea and esophagus'
                         r"adher\w*\s+to|"
                         # told apart from it: 'well defined from the surrounding bone', 'separate from the kidney'
                         r"(?:defined|demarcated|delineated|distinct|separate|separable)\s+from|"
                         r"contact\w*\s+with|below|above|beneath|caudal\s+to|cranial\s+to|mass\s+effect\s+(?:on|upon)|"
                         # where the tumour lies beside it: 'a pelvic mass posterior and lateral to the bladder'
                         r"(?:posterior|anterior|lateral|medial|superior|inferior|posterolateral|anterolateral)"
                         r"(?:\s+(?:and|or)\s+(?:posterior|anterior|lateral|medial|superior|inferior))?\s+to)\s+"
                         r"(?:the\s+|all\s+)?(?:(?:left|right|surrounding|adjacent|neighbou?ring)\s+)?"
                         # and the rest of its list: 'a mass effect on the mediastinum, heart, and lung'
                         r"(?:(?:[\w-]+\s+)?[\w-]+\s*(?:,\s*(?:and\s+)?|\band\s+)(?:the\s+)?){0,3}$", re.I)
# the site as the patient of a compression: 'the spinal cord was compressed and displaced by the tumour'
PASSIVE_PRESS_RX = re.compile(r"^\s*(?:was|were|is|being)\s+(?:\w+\s+)?(?:compressed|displaced|pushed|indented|"
                              r"deviated|shifted)\b", re.I)
ORGAN_NECK_BEFORE_RX = re.compile(r"\b(?:bladder|vesical|femoral|femur|humeral|humerus|uterine|gallbladder|"
                                  r"pancreatic|pancreas|rib|talar|radial|scapular|tooth|dental|bone)\s+$"
                                  # the parts of a bone listed: 'the femur head, neck and intertrochanteric region'
                                  r"|\b(?:femur|femoral|humerus|humeral|radial|talar)\s+head\s*,\s*$", re.I)
BOWEL_BEFORE_RX = re.compile(r"\bbowels?\s*(?:and|&|/|or)\s*$", re.I)
BOWEL_AFTER_RX = re.compile(r"^\s*(?:and|&|/|or)\s*bowels?\b", re.I)
# 'negative lymph nodes' too, and 'a reactive lymph node'
BENIGN_RX = re.compile(r"\b(?:benign\s+(?:[\w-]+\s+){0,2}|negative\s+|reactive\s+)$", re.I)
DESCRIPTOR_AFTER_RX = re.compile(
    r"^[\s-]*(?:mass(?:es)?|components?|extension|tumou?rs?|sarcomas?|lesions?|neoplasms?|swelling|graft|marrow|"
    r"scan|origin|shadow|density|windows?|cement|margins?)\b", re.I)
# the pair of CT windows or of margins: 'bone and soft-tissue windows', 'bony and soft tissue margins'
PAIRED_DESCRIPTOR_RX = re.compile(r"^\s*(?:and|or|/)\s*(?:soft[\s-]tissues?|bone|bony|osseous)\s+"
                                  r"(?:windows?|margins?)\b", re.I)
# a site word that names a vessel, a device, a way in or another condition: 'gluteal flap', 'laryngeal mask',
# 'inguinal hernia', 'rectal examination', 'ileal conduit', 'tracheal intubation', 'sternal wound'
# a verb between the site and a graft: 'a sarcoma of the hand developed graft necrosis' (the hand is the site)
_NOT_GRAFT_WORD = r"(?!(?:with|and|or|developed|received|underwent|required|needed|had|showed|who|which|that)\s)"
NOT_SITE_AFTER_RX = re.compile(r"^[\s-]*(?:(?:" + _NOT_GRAFT_WORD + r"[\w-]+\s+)?(?:allo|auto|homo|xeno)?grafts?|"
                               # a donor site: 'a fibular osteocutaneous free flap'
                               r"(?:" + _NOT_GRAFT_WORD + r"[\w-]+\s+){1,2}(?:flaps?|grafts?)|"
                               # the organ of another cancer: 'renal cell carcinoma', 'lung cancer'
                               r"(?:cell\s+)?carcinomas?|cancers?|"
                               r"nerves?|arter(?:y|ies)|arterial|venous|bypass|veins?|vessels?|plexus|flaps?|tubes?|"
                               r"conduits?|"
                               r"intubation|mask|airway|hernias?|ulcers?|varices|reflux|examination|exam|wounds?|"
                               r"(?:crease\s+)?incisions?|approach(?:es)?|drain\w*|catheter\w*|stent\w*|feeding|infection|"
                               # a procedure named by the region it works in: 'total abdominal hysterectomy',
                               # 'pelvic and periaortic lymph node dissection'
                               r"hysterectom\w*|(?:[\w-]+\s+){0,4}?(?:dissection|lymphadenectom\w*)|"
                               # the wound an operation left: 'a large skin and soft-tissue defect'
                               r"(?:(?:and|or)\s+[\w-]+\s+)?defects?|"
                               r"abscess\w*|hematoma|haematoma|reconstruct\w*|reconstitution|box|fields?|portals?|"
                               # another condition of the organ: 'gastric antral vascular ectasia', 'colonic polyps'
                               r"(?:[\w-]+\s+){0,2}ectasia|polyps?|erosions?|bleeding|h(?:a)?emorrhage|varix|"
                               r"decompress\w*|washout|lavage|"
                               # a pressure, not a place: 'raised intracranial pressure', 'pulmonary hypertension'
                               r"pressure|hypertension|"
                               # an organ an operation keeps: 'hysterectomy and ovarian preservation', 'ovary-sparing'
                               r"preservation|preserved|sparing|spared|"
                               # a bone the mass presses on: 'bone thinning caused by the mass', 'scalloping'
                               r"thinning|scalloping|remodell?ing|"
                               # a joint replaced: 'a shoulder arthroplasty', 'total hip replacement'
                               r"arthroplast\w*|(?:joint\s+)?replacements?|hemiarthroplast\w*|prosthes[ie]s|"
                               # an organ given or taken: 'evaluation for a renal transplant'
                               r"transplant\w*|"
                               # a surgical way in: 'a transoral mandibular split', 'a mandibular osteotomy'
                               r"split\w*|osteotom\w*|"
                               # a part's movement, or a specimen's shape: 'arm elevation', 'a skin ellipse'
                               r"elevation|movements?|motion|mobility|ellipse)\b", re.I)
# (both tried after every site mention: only on a window that holds a word they need; the words written
# out, as Needs() finds them in the patterns: tests/test_speed_shortcuts.py checks that they still are)
_SYMPTOM_AFTER = Needs(SYMPTOM_AFTER_RX, "ache analgesia arrest bleeding circumference claudication compression cough "
                        "deficit deviation discomfort displacement dyspnea edema effacement failure "
                        "function heaviness hypoesthesia infarction injury instability insufficiency "
                        "numbness pain palsy paraesthesia paralysis paresis paresthesia plegi radicul "
                        "reflexes spasticity symptom syndrome tamponade tenderness weakness")
_NOT_SITE_AFTER = Needs(NOT_SITE_AFTER_RX, "abscess airway approach arter arthroplast bleeding box bypass cancer "
                         "carcinoma catheter conduit decompress defect dissection drain ectasia "
                         "elevation ellipse emorrhage erosion exam feeding field flap graft "
                         "haematoma hematoma hernia hypertension hysterectom incision infection intubation "
                         "lavage lymphadenectom mask mobility motion movement nerve osteotom "
                         "plexus polyp portal preservation preserved pressure prosthes reconstitution "
                         "reconstruct reflux remodel replacement scalloping spared sparing "
                         "split stent thinning transplant tube ulcer varices varix vein venous "
                         "vessel washout wound")
# 'extra-skeletal', 'extra osseous': not the bone
EXTRA_BEFORE_RX = re.compile(r"\bextra[\s-]?$", re.I)
METS_AFTER_RX = re.compile(r"^[\s-]*(?:\([^()]{1,20}\)\s*)?"   # 'cervical spine (C4-C6) metastases'
                           # one word between, not a preposition: 'the thigh with metastases' is the primary
                           r"(?:(?!(?:with|without|and|or|but|showing|having|plus)\s)[\w-]+\s+)?"
                           # (not the verb: 'a pleural tumour metastasizing to the adrenals' spreads from there;
                           # the participle before the tumour is the adjective: 'pulmonary metastasised osteosarcoma')
                           r"(?:metasta(?!si[sz](?:e|es|ing)\b|si[sz]ed\s+(?:to|into)\b)\w*|seeding|implants|dissemination|sarcomatosis|"
                           r"carcinomatosis)", re.I)
# not part of a negating prefix: 'non-metastatic', 'non metastatic'
NOT_NON = r"(?<!non)(?<!non )(?<!non-)(?<!non\u2010)"
METS_BEFORE_RX = Keyed(re.compile(
    NOT_NON + r"\bmetasta\w*(?:\s+(?:disease|lesions?|deposits?|spread|foci|nodules?|tumou?rs?|"
    r"masses))?(?:\s+(?:were|was|are|is|had\s+been|have\s+been)\s+(?:\w+\s+)?(?:found|seen|detected|noted|observed|"
    r"identified|present|located|demonstrated|confirmed))?"
    # 'multiple bone metastases (MBM) especially in the spine'
    r"(?:\s*\([^()]{1,12}\))?(?:,?\s+(?:especially|mainly|mostly|predominantly|particularly|chiefly|primarily))?"
    r"(?:\s+(?:to|in|into|of|within|involving|including|affecting|at|throughout))?\s+(?:(?:the|his|her)\s+)?"
    # a part of the organ: 'metastasis to the upper lobe of her right lung'
    r"(?:(?:(?:left|right)\s+)?(?:(?:upper|lower|middle|apical|basal)\s+)?(?:lobes?|segments?|poles?)\s+of\s+"
    r"(?:(?:the|his|her)\s+)?)?"
    # a count of them: 'metastasis in eight vertebrae', 'metastases to 3 ribs'
    r"(?:(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|several)\s+)?"
    r"(?:(?:left|right|bilateral|lumbar|cervical|thoracic|multiple|both)\s+)?$"
    r"|\bmetasta\w*\s*(?:,|\band\b)\s*(?:[\w-]+\s+)?$"
    # 'a metastasis of myxoid liposarcoma from the thigh to the lung'
    r"|\bmetasta\w*\s+(?:of\s+(?:[\w-]+\s+){1,4}?)?from\s+(?:the\s+)?(?:(?:left|right)\s+)?[\w-]+\s+"
    r"(?:[\w-]+\s+)?to\s+(?:the\s+)?(?:(?:left|right|both)\s+)?$"
    # 'a metastatic GIST in the liver', 'metastatic leiomyosarcoma of the lung'
    r"|" + NOT_NON + r"\bmetastatic\s+(?:[\w-]+\s+){0,2}?(?:\w*omas?|gists?|tumou?rs?|neoplasms?)\s+"
    r"(?:in|to|of|within|involving)\s+"
    # 'a metastatic leiomyosarcoma to the thoracic spine'
    r"(?:the\s+)?(?:(?:left|right|both|cervical|thoracic|dorsal|lumbar|sacral|lumbosacral|cervicothoracic|"
    r"thoracolumbar)\s+)?$", re.I))
# 'metastatic leiomyosarcoma involving the wall of the small bowel'
METASTATIC_NOUN_BEFORE_RX = re.compile(
    NOT_NON + r"\bmetastatic\s+(?:[\w-]+\s+){0,3}?(?:sarcoma|tumou?r|disease|lesions?|deposits?|"
    r"nodules?|mass(?:es)?)\s+"
    # 'metastatic lesions were seen on the left lung'
    r"(?:(?:were|was)\s+(?:\w+\s+)?(?:seen|found|observed|noted|detected)\s+)?"
    r"(?:involving|in|to|at|on|within|affecting)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?$", re.I)
# other ways to say that the tumour reached a site: 'spread to', 'deposits in', 'nodules in both lungs'
SPREAD_BEFORE_RX = re.compile(
    # ('widespread dissemination involving the kidney, liver and bone')
    r"\b(?:spread(?:ing)?|disseminat\w*|seeded|seeding)\s+(?:\w+\s+){0,2}?(?:to|into|throughout|involving|including)\s+"
    r"(?:(?:the|his|her)\s+)?"
    r"(?:(?:left|right|both|bilateral|multiple|other)\s+)?$"
    r"|\b(?:deposits?|secondar(?:y|ies)|implants|seedings?)\s+(?:in|of|within|to|at|throughout)\s+(?:the\s+)?"
    r"(?:(?:left|right|both|bilateral)\s+)?$"
    # the disease come back away from the primary: 'distant progression to the lung', 'a distant (lung) relapse'
    r"|\bdistant\s+(?:(?:progression|recurrence|relapse|spread|disease)\s+(?:to|in|into|of|at)\s+(?:the\s+)?"
    r"(?:(?:left|right|both|bilateral)\s+)?|\(\s*)$"
    # the disease come back or grown into another organ: 'a relapse to the brain', 'progression to the lungs'
    r"|\b(?:relapsed?|recurrence|recurred|progression|progressed)\s+(?:to|into)\s+(?:(?:the|his|her)\s+)?"
    r"(?:(?:left|right|both|bilateral)\s+)?$", re.I)
_SPREAD_HINT = Words(re.compile(r"spread|dissemin|seed|deposit|secondar|implant|distant|relaps|recurr|progress"))
_LESIONS_HINT = Words(re.compile(r"nodules|lesions|masses|foci|opacities|tumou?rs"))
_LESION_AFTER_HINT = Words(re.compile(r"nodul|lesion|mass|foci|deposit|secondar|opacit"))
PLURAL_LESION_BEFORE_RX = re.compile(
    r"\b(?:nodules|lesions|masses|foci|opacities|tumou?rs)\s+(?:were\s+\w+\s+)?(?:in|of|within|throughout|involving)"
    r"\s+(?:the\s+)?(?P<both>(?:both|bilateral)\s+)?$", re.I)
QUANT_BEFORE_RX = re.compile(r"\b(?:multiple|numerous|innumerable|bilateral|several|diffuse|disseminated|new|"
                             r"widespread|scattered)\s+(?:[\w-]+\s+){0,2}$", re.I)
LESION_AFTER_RX = re.compile(r"^[\s-]*(?:[\w-]+\s+)?(?:nodules|lesions|masses|foci|deposits|secondaries|opacities|"
                             r"nodular\s+(?:lesions|opacities|shadows))\b", re.I)
LIST_JOIN_RX = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|as\s+well\s+as)\s+)(?:the\s+|both\s+|"
                          r"(?:left|right)\s+)?(?:[\w-]+\s+)?$", re.I)
# 'a mass in the thigh and lung metastases': the thigh is the object of 'in', no member of the list
PREP_BEFORE_RX = re.compile(r"\b(?:in|of|at|on|from|within|into|involving|to)\s+(?:the\s+)?(?:(?:left|right)\s+)?$",
                            re.I)
# a site named by its adjective: 'pulmonary', 'hepatic', 'osseous', 'peritoneal'
_ADJECTIVE_END_RX = re.compile(r"(?:ary|ic|al|ous)$", re.I)
# lymph nodes the tumour reached, as a pathology report counts them
NODES_INVOLVED_AFTER_RX = re.compile(r"^[\s,]*(?:\([^()]{1,20}\)\s*)?(?:(?:were|was|are|is)\s+(?:also\s+)?)?"
                                     r"(?:involved|positive|infiltrated)\b(?!\s+(?:for|in)\s+(?:reactive|hyperplasia))",
                                     re.I)
NODES_INVOLVED_BEFORE_RX = re.compile(r"\b(?:involved|positive|infiltrated)\s+(?:(?:regional|axillary|inguinal|"
                                      r"cervical|pelvic|para-?aortic|hilar|mediastinal)\s+)?$", re.I)
_METASTA_RX = re.compile(r"metasta\w*")
_RECURR_RX = re.compile(r"relaps\w*|recurr\w*")
_AFFIRMED_METASTA_RX = re.compile(NOT_NON + r"metasta\w*")
_ANAPHOR_RX = re.compile(r"(?:this|the|these|such)\s+(?:metastatic\s+|large\s+|huge\s+)?"
                         r"(?:mass|masses|lesions?|tumou?rs?|"
                         r"metasta\w*|deposits?|nodules?)\b")
_COMPARTMENT_WORD_RX = re.compile(r"\b(?:epidural|extradural|intradural|extramedullary|intramedullary)\b")
_BONE_WORD_RX = re.compile(r"\b(?:bon[ey]|osseous|vertebra\w*|lytic|osteolytic|destruct\w*|body|bodies|collapse)\b")
_INVADE_RX = re.compile(r"\b(?:infiltrat\w*|invad\w*|invasion|involv\w*)")
_RELAPSE_RX = re.compile(r"\b(?:relapsed|recurred|(?:relapse|recurrence)s?\s+(?:in|of|to|at|within|involving))\b")
_NEW_LESION_RX = re.compile(r"\bnew\s+(?:[\w-]+\s+){0,3}?(?:nodules?|lesions?|masses|mass|foci|deposits|metasta\w*)\b")
SECONDARY_RX = re.compile(r"^[^.;]{0,45}?\bsecondary to metasta", re.I)
# a vertebra named as the place of a metastasis: 'a T1 vertebral metastasis', 'L3 metastases'
LEVEL_METS_AFTER_RX = re.compile(r"[\s-]*(?:(?:vertebral|spinal|spine|bony|bone|osseous)\s+)?metasta\w*", re.I)
# the site as the subject of what a metastasis did to it: 'the L2 vertebra was replaced by a metastatic tumour'
TAKEN_BY_METS_RX = re.compile(r"^[\s,]*(?:(?:body|bodies)\s+)?(?:is|was|were|are|had\s+been|has\s+been)\s+"
                              r"(?:(?:completely|partially|almost|extensively|totally)\s+)?(?:replaced|occupied|"
                              r"infiltrated|invaded|destroyed|involved)\s+by\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?"
                              r"metasta\w*", re.I)
LIST_GAP_RX = re.compile(r"^[\s,]*(?:and|or)?\s*(?:(?:in|to|of|within)\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
# a site then what it shows: 'uptake in the ribs, consistent with metastases'
METS_LATER_RX = re.compile(r"^[^.;]{0,40}?\b(?:consistent\s+with|compatible\s+with|representing|confirmed\s+as|"
                           r"proven\s+to\s+be)\s+(?:\w+\s+)?metasta", re.I)
LATERAL_RX = re.compile(r"\b(left|right|bilateral)(?:[\s-]+sided)?\s+(?:[\w-]+\s+)?$", re.I)
PRIMARY_BEFORE_RX = re.compile(r"\bprimary\s+(?:[\w-]+\s+)?$", re.I)
# the site a tumour is said to start in: 'originating at the right knee', 'arising from the uterus'
ORIGIN_BEFORE_RX = re.compile(r"\b(?:originat\w*|aris\w*|arose)\s+(?:at|in|from|within)\s+(?:the\s+)?"
                              r"(?:(?:left|right)\s+)?$", re.I)
# sites that are bones: a more specific bone makes the generic 'bone' redundant
TISSUES = {"soft tissue", "bone"}   # a type's tissue is no organ site
BONY = {"vertebral column", "sacrum", "skull", "femur", "rib", "pelvis"}
# the organs in the abdomen a case names as its tumour's place
ABDOMINAL = {"liver", "kidney", "stomach", "small intestine", "colon", "uterus", "ovary", "pancreas", "spleen",
             "retroperitoneum", "peritoneum", "adrenal gland", "bladder", "gallbladder", "mesentery"}


# the words after a mention that make it hypothetical (context.POST_HYPO_RX) that HYPO_RX does not hold
_POST_HYPO_WORDS = ("propos", "offer", "suggested")


def _hypo_possible(sent, seen: dict[int, bool]) -> bool:
    """Could a mention of this sentence be hypothetical (context.hypothetical)? Its words, once a
    sentence: most sentences hold none, and the full look is dear (its clause, tail and patterns)."""
    hit = seen.get(sent.index)
    if hit is None:
        low = sent.low
        hit = seen[sent.index] = HYPO_GATE.possible(low) and HYPO_RX.search(" ".join(low.split())) is not None or \
            any(w in low for w in _POST_HYPO_WORDS)
    return hit


def _benign_or_staging(lb: str, before: str, low: str) -> bool:
    """Is the site after before (lb: lowercased) benign, negative or reactive, or the sentinel node of a
    staging procedure ('sentinel lymph node biopsy') in a sentence that finds nothing in it?"""
    if ("benign" in lb or "negative" in lb or "reactive" in lb) and BENIGN_RX.search(before):
        return True
    return lb.endswith("sentinel ") and "positive" not in low and "metasta" not in low


# the tissue an image compares the mass with: 'isointense to spinal cord on T1', 'hypodense relative to the liver'
_REFERENCE_BEFORE_RX = re.compile(r"\b(?:iso|hypo|hyper)[\s-]?(?:intense|dense|echoic|attenuating)\s+"
                                  r"(?:to|relative\s+to|compared\s+(?:to|with)|than)\s+(?:that\s+of\s+)?(?:the\s+)?"
                                  r"(?:normal\s+|adjacent\s+|surrounding\s+)?(?:[\w-]+\s+)?$")


def _reference_tissue(lb: str) -> bool:
    """Is the site after lb (lowercased) what an image compares the mass with?"""
    return ("intense" in lb or "dense" in lb or "echoic" in lb or "attenuating" in lb) \
        and _REFERENCE_BEFORE_RX.search(lb) is not None


_EFFUSION_AFTER_RX = re.compile(r"\s*effusions?\b")


def _effusion_only(lb: str, after: str) -> bool:
    """Is the site an effusion's ('a small pleural effusion'), not said malignant? (A malignant effusion is
    the tumour's.)"""
    return "effusion" in after and _EFFUSION_AFTER_RX.match(after) is not None and "malignan" not in lb[-30:]


# the topic of a review, not the case: 'to review the literature on ESS spinal and intracranial metastases'
_REVIEWED_BEFORE_RX = re.compile(r"\bliterature\s+(?:on|about|regarding|concerning)\s+(?:[\w()-]+\s+){0,6}$")


def _accept(text: str, m: Mention, sent, tumour_spans: list[tuple[int, int]],
            about: dict[int, bool] | None = None, hypo: dict[int, bool] | None = None) -> bool:
    # first the sentence: is it about a tumour at all? (once per sentence; the cheapest rejection)
    if sent.zone != "title" and not _inside(tumour_spans, m.start, m.end):
        hit = about.get(sent.index) if about is not None else None
        if hit is None:
            hit = bool(INVOLVE_RX.search(sent.low)) or _any_start_in(tumour_spans, sent.start, sent.end)
            if about is not None:
                about[sent.index] = hit
        if not hit:
            return False
    t = sent.text
    rs, re_ = m.start - sent.start, m.end - sent.start
    before, after = t[max(0, rs - 70):rs], t[re_:re_ + 40]
    lb = before.lower()
    if _SYMPTOM_AFTER.match(after) or (_SYMPTOM_HINT.search(lb) and SYMPTOM_BEFORE_RX.search(before)):
        return False
    if m.key == "bladder" and (BOWEL_BEFORE_RX.search(before[-20:]) or BOWEL_AFTER_RX.match(after)):
        return False     # 'bowel and bladder involvement': the sphincters of a cord or cauda lesion
    if m.key == "spinal canal" and "crani" in sent.low:
        return False     # the epidural space of the skull: 'craniotomy and excision of the extradural mass'
    if m.key == "neck" and ORGAN_NECK_BEFORE_RX.search(before[-25:]):
        return False     # the neck of an organ or a bone: 'the bladder neck', 'the femoral neck'
    if (_IMAGING_HINT.search(after.lower()) and IMAGING_AFTER_RX.match(after)) or _reference_tissue(lb) or \
            _effusion_only(lb, after) or ("literature" in lb and _REVIEWED_BEFORE_RX.search(lb)) or \
            (_DISPLACE_HINT_ANY.search(lb) and DISPLACE_RX.search(before)) or \
            (_NONTUMOUR_HINT.search(lb) and NONTUMOUR_BEFORE_RX.search(before[-30:])):
        return False
    if ((" of " in lb or "ct " in lb or "mri " in lb or "pet " in lb)
            and IMAGING_OF_RX.search(sent.low[max(0, rs - 70):rs])) \
            or (any(w in lb for w in ("compress", "constrict", "encroach", "atelecta", "encas"))
                and COMPRESS_RX.search(before)) \
            or _benign_or_staging(lb, before, sent.low):
        return False
    if m.key in ("soft tissue", "bone") and (DESCRIPTOR_AFTER_RX.match(after) or PAIRED_DESCRIPTOR_RX.match(after)):
        return False
    if _NOT_SITE_AFTER.match(after) or PASSIVE_PRESS_RX.match(after) or EXTRA_BEFORE_RX.search(before[-7:]):
        return False
    if any(w in lb for w in ("mistak", "wrong", "erroneous", "misdiagnos")) and MISTAKEN_BEFORE_RX.search(before):
        return False     # a diagnosis the case corrected
    if _cleared(sent.low[re_:re_ + 100]) or negated(text, sent, m.start, m.end):
        return False
    return not ((hypo is None or _hypo_possible(sent, hypo)) and hypothetical(text, sent, m.start, m.end))


# a site a finding clears: '... of the underlying bone and cerebral parenchyma showed no evidence of infiltration'
_CLEAR_AFTER_RX = re.compile(r"\s*(?:(?:,|and|or)\s+)?(?:(?:the\s+)?[\w-]+\s+){0,3}?(?:showed|revealed|demonstrated|"
                             r"were|was)\s+no\s+(?:evidence\s+of\s+|signs?\s+of\s+)?(?:tumou?r(?:al)?\s+|"
                             r"malignant\s+|neoplastic\s+|sarcomatous\s+)?(?:infiltration|invasion|involvement|"
                             r"malignancy|tumou?r|neoplasm)\b", re.I)
def _cleared(far: str) -> bool:
    """Does a finding after the site clear it ('... bone and dura showed no evidence of infiltration')?"""
    return " no " in far and _CLEAR_AFTER_RX.match(far) is not None


_MANY_RX = re.compile(r"\b(?:multiple|numerous|widespread|diffuse|disseminated|several|multifocal)\s+(?:[\w-]+\s+)?$",
                      re.I)


_IN_CANAL_RX = re.compile(r"\b(?:intradural|intramedullary|extramedullary|intra-dural|intra-medullary|epidural|"
                             r"extradural|subdural(?!\s+(?:ha?ematoma|ha?emorrhage|hygroma|effusion)))\b")
_BONE_INVOLVED_RX = re.compile(r"\b(?:osseous|osteolytic|lytic|vertebral bod(?:y|ies)|bone destruction|destruct\w*|"
                               r"erosion|eroded|pedicles?|laminae?|collapse|intraosseous|bony)\b")
# 'with bone involvement', 'involvement of the bone' (not 'no bone involvement')
_BONE_INVOLVEMENT_RX = re.compile(r"\b(?:bone\s+involvement|involvement\s+of\s+(?:the\s+)?(?:adjacent\s+)?bone)\b")
_NO_BEFORE_RX = re.compile(r"\b(?:no|not|without|absence\s+of)\s+(?:[\w-]+\s+){0,3}$")


def _bone_involved(low: str) -> bool:
    return _BONE_INVOLVED_RX.search(low) is not None or any(
        _NO_BEFORE_RX.search(low, max(0, m.start() - 40), m.start()) is None
        for m in _BONE_INVOLVEMENT_RX.finditer(low))


_SPINAL = ("vertebral column", "spinal canal", "spinal cord")
_METASTATIC_CASE_RX = re.compile(NOT_NON + r"\bmetasta(?:tic|sis|ses|sized|sised)\b")


def _spine_of_a_metastatic_case(text: str, terms: Terms, zones: Zones, facts: dict[str, SiteFact],
                                primary: set[str], mets: set[str]) -> None:
    """A case that starts in a site away from the spine ('a synovial sarcoma originating at the knee') and that
    its title or case calls metastatic: the spine it involves holds that metastasis."""
    if not any(k in facts and k not in primary and k not in mets for k in _SPINAL):
        return
    coarse = {(t.summary_key or k) if (t := terms.find("site", k)) is not None else k for k in primary}
    if not coarse or any(k in _SPINAL or k == "sacrum" for k in coarse):
        return
    said = any(not negated(text, s, s.start + m.start(), s.start + m.end())
               for s in zones.sents if s.zone == "title" or (s.zone == "case" and not s.generic)
               for m in _METASTATIC_CASE_RX.finditer(s.low))
    if said:
        mets.update(k for k in _SPINAL if k in facts and k not in primary)


def _said_metastatic(zones: Zones, f: SiteFact) -> bool:
    """Is site f named in a sentence that speaks of metastasis?"""
    return any((s := zones.at(sp.start)) is not None and "metasta" in s.low for sp in f.spans)


_GROWS_IN_RX = re.compile(r"\b(?:intradural|intra-dural|epidural|extradural|intraspinal)\s+(?:extension|component|"
                          r"invasion|spread|growth)\b")


_EXTRAOSSEOUS_RX = re.compile(r"\bextra[\s-]?(?:osseous|skeletal)\b")


# the types that arise in bone and seldom anywhere else (Ewing sarcoma and mesenchymal chondrosarcoma,
# bone tumours in OncoTree too, often grow in the canal alone)
_OF_BONE = ("CHDM", "OS")


def _bone_tumour(terms: Terms, type_key: str | None) -> bool:
    """Is the case's type a chordoma or an osteosarcoma (or a kind of either) by the ontology?"""
    t = terms.find("tumour", type_key) if type_key else None
    return t is not None and any((b := terms.find("tumour", k)) is not None and terms.is_subclass(t.iri, b.iri)
                                 for k in _OF_BONE)


def _in_the_canal(terms: Terms, zones: Zones, facts: dict, mets: set[str], type_key: str | None = None) -> None:
    """A tumour the case places in the spinal canal ('an intradural extramedullary SFT of the thoracic
    spine', 'an epidural mass at T5'), with no word of bone involvement, is in the spinal canal: 'spine'
    there names the region, not the vertebral column (unless the spine holds a metastasis of its own)."""
    if "vertebral column" not in facts or "vertebral column" in mets \
            or not ("dural" in zones.low or "medullary" in zones.low):
        return
    case = [s.low for s in zones.sents if (s.zone == "case" and not s.generic) or s.zone == "title"]
    if not any(_IN_CANAL_RX.search(x) for x in case) or any(_bone_involved(x) for x in case):
        return
    if _bone_tumour(terms, type_key) and not any(_EXTRAOSSEOUS_RX.search(x) for x in case):
        return      # a chordoma of C5-C6 with epidural extension is a tumour of the vertebrae
    # the tumour reaches into the canal from the spine: 'with intradural extension' keeps the spine
    grows_in = any(_GROWS_IN_RX.search(x) for x in case)
    vc = facts["vertebral column"] if grows_in else facts.pop("vertebral column")
    if "spinal canal" not in facts and "spinal cord" not in facts and terms.find("site", "spinal canal") is not None:
        facts["spinal canal"] = SiteFact("spinal canal", spans=vc.spans, confidence=min(vc.confidence, 0.7))


# the cord named by its compartment: 'an intradural, mainly intramedullary tumour', 'infiltrated
# intradurally and intramedullary' (a long bone's 'intramedullary nail' or 'canal' is no cord)
_INTRAMEDULLARY_RX = re.compile(r"\bintra-?medullar(?:y|ly)\b(?!\s+(?:nail\w*|rod\w*|canal|cavity|fixation|"
                                r"implant|stem|reaming|extension\s+(?:into|of)\s+the\s+(?:femur|tibia|humerus)))")
_SPINAL_CONTEXT_RX = re.compile(r"\b(?:intra-?dural\w*|dura|spinal|cord|conus)\b")
# the tumour itself in the cord, not the cord's own signal ('abnormal intramedullary signal' of compression)
_TUMOUR_IN_CORD_RX = re.compile(r"\b(?:tumou?rs?|mass|lesions?|neoplasms?|\w*sarcoma|infiltrat\w*|invad\w*|invasion|"
                                r"component|extension)\b")


def _intramedullary(text: str, terms: Terms, zones: Zones, other_ranges: list[tuple[int, int]],
                    facts: dict[str, SiteFact]) -> None:
    """The spinal cord, where a tumour the case places in the spinal canal is also called intramedullary
    in a sentence about the spine."""
    if "spinal canal" not in facts or "spinal cord" in facts or "medullar" not in zones.low \
            or terms.find("site", "spinal cord") is None:
        return
    for m in _INTRAMEDULLARY_RX.finditer(zones.low):
        s = zones.usable(m.start(), allow_title=False)
        if s is None or s.zone != "case" or s.generic or any(a <= m.start() < b for a, b in other_ranges) \
                or negated(text, s, m.start(), m.end()) or not _SPINAL_CONTEXT_RX.search(s.low) \
                or not _TUMOUR_IN_CORD_RX.search(s.low):
            continue
        facts["spinal cord"] = SiteFact("spinal cord", spans=[Span(m.start(), m.end(), text[m.start():m.end()])],
                                        confidence=0.7)
        return


# the tumour pressing on what the spinal canal holds: 'causing spinal cord compression', 'compressed the dural
# sac', 'pressure over the thecal sac', 'the thecal sac was displaced by the mass' (not 'decompression')
_CORD_COMPRESSION_RX = re.compile(
    r"\b(?:spinal\s+)?cord\s+compression\b"
    r"|\bcompress(?:ed|ing|es|ion\s+of)\s+(?:on\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:spinal\s+cord|thecal\s+sac|"
    r"dural\s+sac|cauda\s+equina|conus(?:\s+medullaris)?)\b"
    r"|\b(?:pressure|impingement)\s+(?:on|over|upon)\s+(?:the\s+)?(?:thecal\s+sac|dural\s+sac|spinal\s+cord)\b"
    r"|\b(?:thecal|dural)\s+sac\s+(?:was\s+|is\s+)?(?:displaced|compressed|indented|effaced)\b")


def _cord_compression(text: str, terms: Terms, zones: Zones, other_ranges: list[tuple[int, int]],
                      facts: dict[str, SiteFact]) -> None:
    """The spinal canal, where the case tells of the tumour pressing on the cord or the thecal sac."""
    if "spinal canal" in facts or "spinal cord" in facts or terms.find("site", "spinal canal") is None \
            or not ("cord" in zones.low or " sac" in zones.low or "cauda" in zones.low or "conus" in zones.low):
        return
    for s in zones.sents:
        if s.zone != "case" or s.generic or not ("compress" in s.low or " sac" in s.low or "pressure" in s.low
                                                 or "impingement" in s.low):
            continue
        for x in _CORD_COMPRESSION_RX.finditer(s.low):
            a, b = s.start + x.start(), s.start + x.end()
            if any(p <= a < q for p, q in other_ranges) or negated(text, s, a, b) or hypothetical(text, s, a, b):
                continue
            facts["spinal canal"] = SiteFact("spinal canal", spans=[Span(a, b, text[a:b])], confidence=0.7)
            return


# lesions that are of the skin by their kind: 'violaceous plaques over the trunk', 'a maculopapular rash'
_SKIN_LESION_RX = re.compile(r"\b(?:violaceous|maculopapular|macules|papules|dermatosis|(?:patches|plaques)\s+"
                             r"(?:and\s+(?:patches|plaques)\s+)?(?:over|on)\s+(?:the\s+|his\s+|her\s+)?(?!\w+\s+(?:wall|"
                             r"artery|arteries|aorta|valve|pleura))\w)")
_SKIN_HINTS = ("violaceous", "maculopapular", "macules", "papules", "dermatosis", "patches", "plaques")


def _skin_lesions(text: str, terms: Terms, zones: Zones, other_ranges: list[tuple[int, int]],
                  facts: dict[str, SiteFact]) -> None:
    """The skin, where the case tells of lesions that are of the skin by their kind (a Kaposi sarcoma's
    violaceous patches and plaques) without naming it."""
    if "skin" in facts or not any(h in zones.low for h in _SKIN_HINTS) or terms.find("site", "skin") is None:
        return
    for m in _SKIN_LESION_RX.finditer(zones.low):
        s = zones.usable(m.start(), allow_title=False)
        if s is None or any(a <= m.start() < b for a, b in other_ranges) or negated(text, s, m.start(), m.end()):
            continue
        facts["skin"] = SiteFact("skin", spans=[Span(m.start(), m.end(), text[m.start():m.end()])], confidence=0.7)
        return


# a metastasis to the spine named by the spine's adjective: 'spinal metastases', 'a vertebral metastasis',
# 'multilevel spinal metastatic disease' (the adjective is no site of its own: 'spinal' also names the canal)
_SPINAL_METS_RX = re.compile(r"\b(?:spinal|spine|vertebral)\s+(?:[\w-]+\s+)?$")


def _spinal_metastasis(text: str, zones: Zones, other_ranges: list[tuple[int, int]]) -> bool:
    """Does the case (or its title) tell of a metastasis to the spine by the spine's adjective? (each
    'metasta' found by the substring, the adjective looked for just before it)"""
    low = zones.low
    p = low.find("metasta")
    while p >= 0:
        m = _SPINAL_METS_RX.search(low, max(0, p - 30), p)
        if m is not None:
            s = zones.usable(m.start())
            if s is not None and not any(a <= m.start() < b for a, b in other_ranges) \
                    and not negated(text, s, m.start(), p + 7):
                return True
        p = low.find("metasta", p + 7)
    return False


def _many_bones(text: str, f: SiteFact) -> bool:
    """'multiple bone metastases (including the clivus)': the bones are more than the one named."""
    return any(_MANY_RX.search(text[max(0, sp.start - 30):sp.start]) for sp in f.spans)


def _inside(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    """Does one of the (sorted, non-nested) spans contain [a, b)?"""
    i = bisect.bisect_right(spans, (a, 1 << 60)) - 1
    while i >= 0 and spans[i][0] <= a:
        if b <= spans[i][1]:
            return True
        i -= 1
        if i >= 0 and spans[i][1] < a:
            break
    return False


def _any_start_in(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect.bisect_left(spans, (a, -1))
    return i < len(spans) and spans[i][0] < b


def _accepted_by_sentence(text: str, terms: Terms, zones: Zones, mentions: list[Mention],
                          tumour_spans: list[tuple[int, int]],
                          other_ranges: list[tuple[int, int]]) -> dict[int, list[Mention]]:
    """The site mentions that name where the tumour is, by sentence index; a vertebral column
    mention after a compartment word ('intramedullary cervical spine tumour') as the cord or canal."""
    about: dict[int, bool] = {}
    hypo: dict[int, bool] = {}
    by_sent: dict[int, list[Mention]] = {}
    tumour_exact = set(tumour_spans)    # 'ARMS' names the tumour, not the arms
    for m in mentions:
        if m.axis != "site":
            continue
        s = zones.usable(m.start)
        if s is None or (m.start, m.end) in tumour_exact or any(a <= m.start < b for a, b in other_ranges):
            continue
        if not _accept(text, m, s, tumour_spans, about, hypo):
            continue
        if m.key == "vertebral column":
            cm = COMPARTMENT_BEFORE_RX.search(text[max(s.start, m.start - 40):m.start])
            if cm:
                key = "spinal cord" if cm.group("c").lower() == "intramedullary" else "spinal canal"
                if terms.find("site", key) is not None:
                    m = Mention(m.axis, key, m.start, m.end, m.source)
        by_sent.setdefault(s.index, []).append(m)
    return by_sent


def _sentence_flags(text: str, zones: Zones, si: int, s: Sentence, first_tx: int | None,
                    mets: set[str]) -> tuple[bool, bool, bool]:
    """What sentence s says of metastasis as a whole: (new_mets: the sites it names for the first
    time are metastases, anaphor_met: 'this mass' is the metastasis the sentence before found,
    met_sent: it or the sentence before speaks of metastasis)."""
    # a sentence after treatment that reports metastasis: sites it names for the first time are metastases
    relapse = ("relaps" in s.low or "recurr" in s.low) and "local" not in s.low \
        and not all(negated(text, s, s.start + x.start(), s.start + x.end()) for x in _RECURR_RX.finditer(s.low))
    new_mets = first_tx is not None and s.start > first_tx and ("metasta" in s.low or "new " in s.low or relapse) \
        and not any(negated(text, s, s.start + x.start(), s.start + x.end()) for x in _METASTA_RX.finditer(s.low))
    # or a relapse after treatment in an organ not named before: 'she relapsed in the lungs'
    new_mets = new_mets and ("metasta" in s.low or bool(_NEW_LESION_RX.search(s.low)) or
                             (relapse and _RELAPSE_RX.search(s.low) is not None))
    # a metastasis, once found after treatment, that invades a neighbour: the neighbour is metastatic too
    spread_sent = bool(mets) and first_tx is not None and s.start > first_tx and not new_mets and \
        _INVADE_RX.search(s.low) is not None and "recurr" not in s.low and "local" not in s.low
    new_mets = new_mets or spread_sent
    # 'This mass consisted of ...' after a sentence that found a metastasis: the same metastasis
    anaphor_met = False
    if si > 0 and first_tx is not None and s.start > first_tx and _ANAPHOR_RX.match(s.low):
        ps = zones.sents[si - 1]
        anaphor_met = any(not negated(text, ps, ps.start + x.start(), ps.start + x.end())
                          for x in _METASTA_RX.finditer(ps.low))
    met_sent = "metasta" in s.low or (si > 0 and "metasta" in zones.sents[si - 1].low)
    return new_mets, anaphor_met, met_sent


def _names_a_metastasis(text: str, s: Sentence, m: Mention, before: str, after: str, lb: str, la: str,
                        modifies_tumour: bool, flags: tuple[bool, bool, bool], seen: set[str],
                        prev_met: Mention | None) -> bool:
    """Does site mention m of sentence s (the text before and after it, and those lowercased: lb, la)
    name a metastasis?"""
    new_mets, anaphor_met, met_sent = flags
    t = s.text
    rs = m.start - s.start
    if (("metasta" in la or "seeding" in la or "implants" in la or "dissemin" in la or "sarcomatosis" in la
             or "carcinomatosis" in la)
            and METS_AFTER_RX.match(after)) or ("secondary" in la and SECONDARY_RX.match(after)) or \
            ("metasta" in la and " by " in la and TAKEN_BY_METS_RX.match(after)):
        return True
    if "metasta" in lb and METS_BEFORE_RX.search(before) and not modifies_tumour:
        return True
    if ("lymph" in m.key or "node" in m.key) and (NODES_INVOLVED_AFTER_RX.match(after)
                                                  or NODES_INVOLVED_BEFORE_RX.search(before)):
        return True      # lymph nodes the tumour reached: '2 of 20 axillary nodes were involved', 'positive nodes'

    if not modifies_tumour and "metastatic" in s.low[max(0, rs - 90):rs] and \
            METASTATIC_NOUN_BEFORE_RX.search(t[max(0, rs - 90):rs]):
        return True
    if "metasta" in la and not modifies_tumour and METS_LATER_RX.match(after):
        return True
    if not modifies_tumour and _SPREAD_HINT.search(lb) and SPREAD_BEFORE_RX.search(before):
        return True
    if not modifies_tumour and _LESIONS_HINT.search(lb) and \
            (pl := PLURAL_LESION_BEFORE_RX.search(before)) and (met_sent or pl.group("both")):
        return True
    if not modifies_tumour and _LESION_AFTER_HINT.search(la) and LESION_AFTER_RX.match(after) and \
            QUANT_BEFORE_RX.search(before) and \
            (met_sent or re.search(r"multiple|numerous|innumerable|bilateral", lb[-30:])):
        return True
    if new_mets and m.key not in seen and not modifies_tumour and "local" not in lb[-45:]:
        return True
    if anaphor_met and not modifies_tumour:
        return True
    return bool(prev_met is not None and LIST_GAP_RX.match(text[prev_met.end:m.start]) and
                re.search(r",|\band\b|\bor\b", text[prev_met.end:m.start]) and m.start - prev_met.end < 30)


def _sentence_sites(text: str, s: Sentence, ms: list[Mention], tumour_spans: list[tuple[int, int]],
                    flags: tuple[bool, bool, bool], seen: set[str], facts: dict[str, SiteFact],
                    primary: set[str]) -> list[bool]:
    """The site mentions ms of sentence s into facts, a new fact or one more span, with the laterality
    the text before says (and primary: those the tumour is said to start in); whether each names a
    metastasis."""
    t = s.text
    prev_met: Mention | None = None
    cues: list[bool] = []
    for m in ms:
        rs, re_ = m.start - s.start, m.end - s.start
        before, after = t[max(0, rs - 60):rs], t[re_:re_ + 50]
        modifies_tumour = _any_start_in(tumour_spans, m.end + 1, m.end + 3) or \
            _inside(tumour_spans, m.start, m.end)
        lb, la = before.lower(), after.lower()
        met = _names_a_metastasis(text, s, m, before, after, lb, la, modifies_tumour, flags, seen, prev_met)
        if modifies_tumour or ("primary" in lb and PRIMARY_BEFORE_RX.search(before)) or \
                (("origin" in lb or "aris" in lb or "arose" in lb) and ORIGIN_BEFORE_RX.search(before)):
            primary.add(m.key)
        prev_met = m if met else None
        cues.append(met)
        lat = LATERAL_RX.search(before) if ("left" in lb or "right" in lb or "bilateral" in lb) else None
        f = facts.get(m.key)
        span = Span(m.start, m.end, text[m.start:m.end])
        if f is None:
            facts[m.key] = SiteFact(m.key, laterality=lat.group(1).lower() if lat else None, spans=[span],
                                    confidence=0.8 if s.zone == "case" else 0.7)
        else:
            if span not in f.spans:
                f.spans.append(span)
            if f.laterality is None and lat:
                f.laterality = lat.group(1).lower()
    # a list whose last member is metastatic ('lung, liver and bone metastases'): all its members are
    for i in range(len(ms) - 2, -1, -1):
        if cues[i + 1] and not cues[i] and LIST_JOIN_RX.match(text[ms[i].end:ms[i + 1].start]) and \
                ms[i + 1].start - ms[i].end < 30 and not any(a <= ms[i].start < b for a, b in tumour_spans) and \
                (_ADJECTIVE_END_RX.search(text, ms[i].start, ms[i].end) or
                 not PREP_BEFORE_RX.search(text[max(s.start, ms[i].start - 25):ms[i].start])):
            # (an adjective is no object of the preposition: 'the appearance of pulmonary and nodal metastases')
            cues[i] = True
    return cues


def _nodes_are_spread(terms: Terms, facts: dict[str, SiteFact], primary: set[str]) -> None:
    """A sarcoma's lymph nodes are where it spread (N1), beside a site of the primary; lymph nodes that are
    all the tumour is, or that the text calls the primary, are a nodal sarcoma's own place."""
    nodes = [k for k in facts if (terms.get("site", k).summary_key or k) == "lymph node"]
    if nodes and any(k not in nodes and not facts[k].metastatic for k in facts):
        for k in nodes:
            if k not in primary:
                facts[k].metastatic = True


def _metastatic_level_regions(text: str, terms: Terms, zones: Zones, levels: list[LevelFact],
                              other_ranges: list[tuple[int, int]], mets: set[str]) -> None:
    """Vertebrae named in a clause about a metastasis ('a metastatic mass at the C6-T1 level'):
    their region into mets."""
    for lv in levels:
        vt = terms.find("vertebra", lv.vertebra)
        key = vt.summary_key if vt and vt.summary_key else "vertebral column"
        for sp in lv.spans:
            ls = zones.at(sp.start)
            if ls is None or "metasta" not in ls.low:
                continue
            after = TAKEN_BY_METS_RX.match(text, sp.end, ls.end) or LEVEL_METS_AFTER_RX.match(text, sp.end, ls.end)
            if after is not None:
                if not negated(text, ls, sp.start, after.end()):
                    mets.add(key)
                continue
            clause = ls.low[:sp.start - ls.start]
            cut = max((m.end() for m in BREAK_RX.finditer(clause)), default=0)
            mm = list(_AFFIRMED_METASTA_RX.finditer(clause, cut))
            if mm and not negated(text, ls, ls.start + mm[-1].start(), ls.start + mm[-1].end()) and \
                    not any(a <= ls.start + mm[-1].start() < b for a, b in other_ranges):
                mets.add(key)


def _compartment(zones: Zones, lv: LevelFact) -> str | None:
    """The spinal cord or canal when every span of level lv follows a compartment word in its
    clause ('an epidural mass at T11-T12') and no word of bone."""
    keys = set()
    for sp in lv.spans:
        ls = zones.at(sp.start)
        clause = ls.low[max(0, sp.start - ls.start - 60):sp.start - ls.start] if ls else ""
        cut = max((m.end() for m in BREAK_RX.finditer(clause)), default=0)
        cm = _COMPARTMENT_WORD_RX.search(clause, cut)
        if cm is None or _BONE_WORD_RX.search(clause, cut):
            return None
        keys.add("spinal cord" if cm.group(0) == "intramedullary" else "spinal canal")
    return keys.pop() if len(keys) == 1 else None


def _add_level_regions(terms: Terms, zones: Zones, levels: list[LevelFact], facts: dict[str, SiteFact]) -> None:
    """Vertebrae involved -> their region (vertebral column, or sacrum); the levels of a tumour said to be
    epidural / intradural ('an epidural mass at T11-T12') place it in the canal, not in the bone."""
    has_comp = "dural" in zones.low or "medullary" in zones.low
    for lv in levels:
        vt = terms.find("vertebra", lv.vertebra)
        key = vt.summary_key if vt and vt.summary_key else "vertebral column"
        comp = _compartment(zones, lv) if key == "vertebral column" and has_comp else None
        if comp is not None and terms.find("site", comp) is not None:
            key = comp
        if terms.find("site", key) is None:
            continue
        f = facts.get(key)
        if f is None:
            facts[key] = SiteFact(key, spans=list(lv.spans), confidence=0.8)
        else:
            for sp in lv.spans:
                if sp not in f.spans:
                    f.spans.append(sp)


def _add_type_organ(text: str, terms: Terms, lex: Lexicon, mentions: list[Mention], type_key: str,
                    facts: dict[str, SiteFact], primary: set[str]) -> None:
    """The organ the final type names (uterine leiomyosarcoma -> uterus), as a primary site."""
    tt = terms.find("tumour", type_key)
    if tt is None:
        return
    for m in lex.match(tt.label, normalise(tt.label)):
        if m.axis == "site" and m.key not in facts and m.key not in TISSUES:
            tm = next((x for x in mentions if x.axis == "tumour" and x.key == type_key), None)
            spans = [Span(tm.start, tm.end, text[tm.start:tm.end])] if tm else []
            facts[m.key] = SiteFact(m.key, spans=spans, confidence=0.6)
            primary.add(m.key)


def extract_sites(text: str, terms: Terms, lex: Lexicon, zones: Zones, mentions: list[Mention],
                  levels: list[LevelFact], type_key: str | None,
                  other_ranges: list[tuple[int, int]], first_tx: int | None = None) -> list[SiteFact]:
    tumour_spans = sorted((m.start, m.end) for m in mentions if m.axis == "tumour")
    facts: dict[str, SiteFact] = {}
    primary: set[str] = set()
    mets: set[str] = set()
    by_sent = _accepted_by_sentence(text, terms, zones, mentions, tumour_spans, other_ranges)
    seen: set[str] = set()
    for si, ms in sorted(by_sent.items()):
        s = zones.sents[si]
        flags = _sentence_flags(text, zones, si, s, first_tx, mets)
        cues = _sentence_sites(text, s, ms, tumour_spans, flags, seen, facts, primary)
        for m, met in zip(ms, cues, strict=False):
            if met:
                mets.add(m.key)
        seen.update(x.key for x in ms)
    _skin_lesions(text, terms, zones, other_ranges, facts)
    if "vertebral column" in facts and "metasta" in zones.low and _spinal_metastasis(text, zones, other_ranges):
        mets.add("vertebral column")
    _metastatic_level_regions(text, terms, zones, levels, other_ranges, mets)
    _add_level_regions(terms, zones, levels, facts)
    if type_key:
        _add_type_organ(text, terms, lex, mentions, type_key, facts, primary)
    bony = [k for k in facts if k != "bone" and (terms.get("site", k).summary_key or k) in BONY] \
        if "bone" in facts else []
    # 'bone' beside a named bone is that bone, unless it is where the tumour spread and the named bone is
    # not ('a chordoma of T4 ... metastasis in bone and lymph nodes')
    if "bone" in facts and bony and not _many_bones(text, facts["bone"]) \
            and not ("bone" in mets and "bone" not in primary and not any(k in mets for k in bony)):
        del facts["bone"]
    # 'abdomen' beside an organ in it (not one it spread to) is where the organ's tumour was felt or seen ('a
    # tender mass in the epigastrium', 'the upper left quadrant of the abdomen'), unless the abdomen is where
    # it spread or what the tumour is named by ('an intra-abdominal desmoplastic small round cell tumour')
    if "abdomen" in facts and "abdomen" not in mets and "abdomen" not in primary and \
            any((terms.get("site", k).summary_key or k) in ABDOMINAL for k in facts
                if k != "abdomen" and k not in mets):
        del facts["abdomen"]
    _in_the_canal(terms, zones, facts, mets, type_key)
    _intramedullary(text, terms, zones, other_ranges, facts)
    _cord_compression(text, terms, zones, other_ranges, facts)
    _spine_of_a_metastatic_case(text, terms, zones, facts, primary, mets)
    if "vertebral column" in mets and "vertebral column" in facts and "vertebral column" not in primary:
        # the canal or cord part of a vertebral metastasis, named where the metastasis is ('a metastatic
        # tumour replaces L2 and extends into the spinal canal')
        mets.update(k for k in ("spinal canal", "spinal cord") if k in facts and k not in primary
                    and _said_metastatic(zones, facts[k]))
    # a part of the organ the tumour started in is the primary's ('primary lung sarcoma ... in the left upper
    # lobe, infiltrating the bronchus'), not a metastasis
    primary_organs = {terms.get("site", k).summary_key or k for k in primary if k in facts}
    for k, f in facts.items():
        f.metastatic = k in mets and k not in primary and (terms.get("site", k).summary_key or k) not in primary_organs
    _nodes_are_spread(terms, facts, primary)
    if "soft tissue" in facts and not facts["soft tissue"].metastatic \
            and any(k != "soft tissue" and not f.metastatic for k, f in facts.items()):
        # 'soft tissue' beside a named place of the primary is the tissue kind, not where the tumour is
        # ('clear cell sarcoma of soft tissue in the left foot')
        del facts["soft tissue"]
    # levels are metastatic when their region is
    for lv in levels:
        vt = terms.find("vertebra", lv.vertebra)
        key = vt.summary_key if vt and vt.summary_key else "vertebral column"
        if key in facts:
            lv.metastatic = facts[key].metastatic
    return list(facts.values())
